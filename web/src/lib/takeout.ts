// What a take-out application selects [002 第47-49条]: every record of the
// dataset or the records named by id, and every field or the fields named
// (an empty list: all of them). The approval's terms carry the selection;
// the export takes it from them, and the server checks the ids and the
// field names against the dataset.
import { listOf } from './rights.js';

export interface Selection {
  all: boolean;
  records: string;
  fields: string;
}

export function selectionTerms(s: Selection): { all: boolean; records?: string[]; fields?: string[] } {
  const out: { all: boolean; records?: string[]; fields?: string[] } = { all: s.all };
  if (!s.all) out.records = listOf(s.records);
  const fields = listOf(s.fields);
  if (fields.length) out.fields = fields;
  return out;
}

// A take-out's selection as a person reads it.
export function selectionText(x: { records?: unknown; fields?: unknown }, lang: 'ja' | 'en'): string {
  const n = typeof x.records === 'number' ? x.records : Array.isArray(x.records) ? x.records.length : undefined;
  const fields = Array.isArray(x.fields) && x.fields.length ? x.fields.join(', ') : undefined;
  const records = n === undefined ? '' : lang === 'ja' ? `${n}件` : `${n} record${n === 1 ? '' : 's'}`;
  const which = fields ?? (lang === 'ja' ? '全項目' : 'every field');
  return records ? `${records} / ${which}` : which;
}
