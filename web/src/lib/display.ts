// A value of an API answer as a person reads it in a table: times in JST
// and the chosen era, a step of a flow ({by, by_name, at}) as who and when,
// an object (a right) as its parts, lists joined. The CSV keeps the values
// as the API gave them.
import { formatDateTime, type EraStyle, type Lang } from './dates.js';

const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export function displayValue(v: unknown, era: EraStyle, lang: Lang): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return UTC_TIME.test(v) ? formatDateTime(v, era, lang) : v;
  if (Array.isArray(v)) return v.map((x) => displayValue(x, era, lang)).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['by'] === 'string') return `${o['by_name'] || o['by']} ${displayValue(o['at'], era, lang)}`.trim();
    return Object.values(o).filter((x) => typeof x === 'string' || typeof x === 'number').join(' / ');
  }
  return String(v);
}
