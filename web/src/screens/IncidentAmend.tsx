// The investigation items of an incident changed as the investigation
// learns them (step "amend": the SIRT and the CISO line, until closed)
// [003 II.2(8)]. Only the items filled in are sent; the server checks each
// (codes, counts, dates) and says which is wrong.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { Choice, Field, Refusal, useRefusal } from './common';

const TEXTS: [string, Text][] = [
  ['summary', ['概要', 'Summary']],
  ['cause', ['原因 (コード)', 'Cause (a code)']],
  ['route', ['経路 (コード)', 'Route (a code)']],
  ['records', ['件数 (-1 は不明)', 'Records (-1 unknown)']],
  ['people_affected', ['本人の数 (-1 は不明)', 'People affected (-1 unknown)']],
  ['prevention', ['再発防止策', 'Prevention']],
];
const COUNTS = new Set(['records', 'people_affected']);
const YES_NO: [string, string][] = [['true', 'はい / yes'], ['false', 'いいえ / no']];

export function IncidentAmend({ id, onDone }: { id: string; onDone: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function amend(e: Event) {
    e.preventDefault();
    setDone('');
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      if (v === '') continue;
      fields[k] = COUNTS.has(k) ? Number(v) : k === 'attack' || k === 'my_number' ? v === 'true' : v;
    }
    const r = await attempt(() => api('POST', `incidents/${encodeURIComponent(id)}/steps`, { step: 'amend', fields }));
    if (r !== undefined) {
      setDone(t(['調査項目を更新しました', 'Investigation items updated']));
      setValues({});
      onDone();
    }
  }
  const set = (k: string) => (v: string) => setValues({ ...values, [k]: v });
  return (
    <form onSubmit={(e) => void amend(e)} aria-labelledby="incident-amend-title" noValidate>
      <h3 id="incident-amend-title">{t(['調査項目の更新 (入力した項目のみ)', 'Update the investigation items (those filled in)'])}</h3>
      {TEXTS.map(([k, label]) => (
        <Field key={k} label={label} value={values[k] ?? ''} set={set(k)} inputMode={COUNTS.has(k) ? 'numeric' : undefined} />
      ))}
      <Choice label={['漏えいの有無', 'Leaked']} name="amend-leaked" value={values['leaked'] ?? ''} set={set('leaked')}
        options={[['yes', t(['あり', 'yes'])], ['no', t(['なし', 'no'])], ['unknown', t(['不明', 'unknown'])]]}
        placeholder={['変更しない', 'Unchanged']} />
      <Choice label={['攻撃によるもの', 'By an attack']} name="amend-attack" value={values['attack'] ?? ''} set={set('attack')}
        options={YES_NO} placeholder={['変更しない', 'Unchanged']} />
      <Choice label={['個人番号を含む', 'My Numbers concerned']} name="amend-my-number" value={values['my_number'] ?? ''}
        set={set('my_number')} options={YES_NO} placeholder={['変更しない', 'Unchanged']} />
      <button type="submit" disabled={!Object.values(values).some(Boolean)}>{t(['更新する', 'Update'])}</button>
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="incident-amended">{done}</p>}
    </form>
  );
}
