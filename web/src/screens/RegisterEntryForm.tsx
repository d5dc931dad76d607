// An entry of a register as a form built from the kind's schema (GET
// /v1/registers declares the fields: text, codes, lists of codes, yes/no,
// dates): registering a new entry (POST), or changing one (PATCH with the
// fields changed, a field emptied sent as null). The server checks the
// entry against the schema and says which field is wrong.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { Choice, Field, Refusal, useRefusal } from './common';

interface FieldSpec { name: string; type: string; required: boolean; codes?: string[] }
export interface RegisterKind {
  kind: string; title_ja: string; title_en: string; fields: FieldSpec[];
  check_days: number; check_results: string[]; approve_operation?: string;
}
type Values = Record<string, string | boolean | string[]>;

function FieldInput({ f, value, set }: { f: FieldSpec; value: Values[string] | undefined; set: (v: Values[string]) => void }) {
  const label: [string, string] = [`${f.name}${f.required ? ' (必須)' : ''}`, `${f.name}${f.required ? ' (required)' : ''}`];
  if (f.type === 'bool') {
    return (
      <label>
        <input type="checkbox" class="inline" name={f.name} checked={value === true} onChange={(e) => set(e.currentTarget.checked)} />{' '}
        {f.name}
      </label>
    );
  }
  if (f.type === 'code') {
    return <Choice label={label} name={f.name} value={(value as string) ?? ''} set={set}
      options={(f.codes ?? []).map((c) => [c, c])} placeholder={['選択してください', 'Choose']} />;
  }
  if (f.type === 'codes') {
    const chosen = (value as string[]) ?? [];
    return (
      <fieldset>
        <legend>{t(label)}</legend>
        {(f.codes ?? []).map((c) => (
          <label key={c} class="inline-label">
            <input type="checkbox" class="inline" name={`${f.name}.${c}`} checked={chosen.includes(c)}
              onChange={(e) => set(e.currentTarget.checked ? [...chosen, c] : chosen.filter((x) => x !== c))} />{' '}{c}
          </label>
        ))}
      </fieldset>
    );
  }
  return <Field label={label} name={f.name} type={f.type === 'date' ? 'date' : 'text'} value={(value as string) ?? ''}
    set={set} required={f.required} />;
}

const empty = (v: Values[string] | undefined) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: Values[string] | undefined, b: Values[string] | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || (empty(a) && empty(b));

export function EntryForm({ kind, entry, onDone }: { kind: RegisterKind; entry?: { id: string; fields?: Values }; onDone: () => void }) {
  const before: Values = entry?.fields ?? {};
  const [values, setValues] = useState<Values>(before);
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const titleId = entry ? 'entry-edit-title' : 'entry-add-title';
  async function submit(e: Event) {
    e.preventDefault();
    setDone('');
    const body: Record<string, Values[string] | null> = {};
    for (const f of kind.fields) {
      const v = f.type === 'bool' ? values[f.name] === true : values[f.name];
      if (!entry) {
        if (f.type === 'bool' || !empty(v)) body[f.name] = v!;
      } else if (!same(v, before[f.name])) {
        body[f.name] = empty(v) ? null : v!;
      }
    }
    const r = entry
      ? await attempt(() => api<any>('PATCH', `registers/${kind.kind}/${encodeURIComponent(entry.id)}`, body))
      : await attempt(() => api<any>('POST', `registers/${kind.kind}`, body));
    if (r) {
      setDone(r.id ?? entry?.id ?? '');
      if (!entry) setValues({});
      onDone();
    }
  }
  return (
    // noValidate: the server's words on a wrong field, not the browser's.
    <form onSubmit={(e) => void submit(e)} aria-labelledby={titleId} noValidate data-testid={entry ? 'entry-edit' : 'entry-add'}>
      <h2 id={titleId}>{entry ? t([`変更: ${entry.id}`, `Change ${entry.id}`]) : t(['登録', 'Register an entry'])}</h2>
      {kind.fields.map((f) => (
        <FieldInput key={f.name} f={f} value={values[f.name]} set={(v) => setValues({ ...values, [f.name]: v })} />
      ))}
      <button type="submit">{entry ? t(['変更する', 'Change']) : t(['登録する', 'Register'])}</button>
      <Refusal problem={refused} />
      {done && (
        <p role="status" data-testid={entry ? 'entry-changed' : 'entry-added'}>
          {entry ? t([`変更しました: ${done}`, `Changed: ${done}`]) : t([`登録しました: ${done}`, `Registered: ${done}`])}
        </p>
      )}
    </form>
  );
}
