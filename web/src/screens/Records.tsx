// Records search: the dataset, then its purpose (利用目的) — nothing is
// shown before a purpose is chosen —, then a name or a reading typed in any
// width, hiragana or katakana. Values come masked as the server masks them
// for this person and purpose.
import { useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { t } from '../i18n';
import { searchableDatasets } from '../lib/datasets';
import { isKana, normalizeKana, normalizeName } from '../lib/kana';
import { session } from '../session';
import { useSignal } from '../signal';
import { Choice, Field, Refusal, useApi } from './common';

interface Field { name: string; title?: string; indexed?: boolean; type?: string }
interface Dataset { name: string; title?: string; department?: string; purposes?: { id: string; title?: string }[]; fields?: Field[] }

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return Object.values(v as object).map(show).join(' ');
  return String(v);
}

export function Records() {
  const { data, problem } = useApi<{ datasets: Dataset[] }>('datasets');
  const [dsName, setDsName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [text, setText] = useState('');
  const [rows, setRows] = useState<any[] | null>(null);
  const [refused, setRefused] = useState<Problem | null>(null);
  const [searched, setSearched] = useState('');
  const me = useSignal(session);
  const offered = searchableDatasets(data?.datasets ?? [], me?.principal.department ?? '');
  const ds = offered.find((d) => d.name === dsName);

  async function search(e: Event) {
    e.preventDefault();
    if (!ds || !purpose) return;
    setRefused(null);
    setRows(null);
    const kana = isKana(text);
    const fields = ds.fields ?? [];
    const field = fields.find((f) => f.indexed && (kana ? f.type === 'kana' : f.type === 'name'));
    const value = kana ? normalizeKana(text) : normalizeName(text);
    setSearched(value);
    try {
      const base = `datasets/${encodeURIComponent(ds.name)}/records`;
      const found = await api('GET', base, undefined,
        field ? { purpose, field: field.name, value, limit: '20' } : { purpose, limit: '20' });
      const ids: string[] = found.ids ?? (found.records ?? []).map((r: any) => r.id);
      const records = await Promise.all(
        ids.slice(0, 20).map((id) => api('GET', `${base}/${encodeURIComponent(id)}`, undefined, { purpose })),
      );
      setRows(records);
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }

  const fields = (ds?.fields ?? []).slice(0, 6);
  return (
    <section aria-labelledby="records-title">
      <h1 id="records-title">{t(['台帳・記録の検索', 'Search records'])}</h1>
      <Refusal problem={problem} />
      <form onSubmit={search} class="search">
        <Choice label={['データセット', 'Dataset']} name="dataset" value={dsName}
          placeholder={['選択してください', 'Choose']}
          options={offered.map((d) => [d.name, `${d.title ?? d.name} (${d.name})`])}
          set={(v) => { setDsName(v); setPurpose(''); setRows(null); setRefused(null); }} />
        <Choice label={['利用目的', 'Purpose']} name="purpose" value={purpose} disabled={!ds}
          placeholder={['利用目的を選択してください', 'Choose the purpose']}
          options={(ds?.purposes ?? []).map((p) => [p.id, `${p.title ?? p.id} (${p.id})`])}
          set={(v) => { setPurpose(v); setRows(null); setRefused(null); }} />
        <Field label={['氏名またはフリガナ (ひらがな・カタカナ・半角可)', 'Name or reading (hiragana, katakana, any width)']}
          name="q" value={text} disabled={!purpose} set={setText} />
        <button type="submit" disabled={!ds || !purpose}>{t(['検索', 'Search'])}</button>
      </form>
      <p class="help" data-testid="dataset-scope">
        {t([
          `選べるのは、あなたの所属 (${me?.principal.department ?? ''}) の台帳だけです。権限の有無は検索時にサーバーが判断します。`,
          `Only the datasets of your department (${me?.principal.department ?? ''}) are offered; the server decides each search.`,
        ])}
      </p>
      {!purpose && <p class="help">{t(['利用目的を選ぶまで、記録は表示されません。', 'No record is shown until a purpose is chosen.'])}</p>}
      <Refusal problem={refused} />
      {rows && (
        <>
          <p role="status" data-testid="result-count">
            {t([`「${searched}」の検索結果: ${rows.length}件`, `${rows.length} result(s) for "${searched}"`])}
          </p>
          <table data-testid="results">
            <caption class="sr-only">{t(['検索結果 (マスク表示)', 'Results (masked)'])}</caption>
            <thead><tr>{fields.map((f) => <th key={f.name} scope="col">{f.title ?? f.name}</th>)}</tr></thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.id ?? i}>
                  {fields.map((f) => <td key={f.name}>{show((r.values ?? r.fields ?? r)[f.name])}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
