// Records search: the dataset, then its purpose (利用目的) — nothing is
// shown before a purpose is chosen —, then a name or a reading typed in any
// width, hiragana or katakana. Values come masked as the server masks them
// for this person and purpose. The datasets offered, and each purpose's
// standing, are the server's answer to "what may I search"
// (GET /v1/datasets?searchable=true); a found record's history and end of
// use open below the results (RecordHistory.tsx).
import { useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { t } from '../i18n';
import { purposesByStanding, standing, type Standing } from '../lib/datasets';
import { isKana, normalizeKana, normalizeName } from '../lib/kana';
import { Choice, Field, Refusal, showValue, useApi } from './common';
import { inquiryDraft } from './Inquiries';
import { RecordHistory } from './RecordHistory';
import { takeoutDraft } from './Takeouts';

interface Field { name: string; title?: string; indexed?: boolean; type?: string }
interface Dataset {
  name: string; title?: string; department?: string; purposes?: { id: string; title?: string }[]; fields?: Field[];
  searchable_purposes?: string[]; listable_purposes?: string[]; inquiry_control?: string;
}

const STANDING: Record<Standing, [string, string]> = {
  find: ['', ''],
  list: [' — 一覧のみ', ' — listing only'],
  none: [' — 権限なし', ' — no grant'],
};

export function Records() {
  const { data, problem } = useApi<{ datasets: Dataset[] }>('datasets', { searchable: 'true' });
  const [dsName, setDsName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [text, setText] = useState('');
  const [rows, setRows] = useState<any[] | null>(null);
  const [refused, setRefused] = useState<Problem | null>(null);
  const [searched, setSearched] = useState('');
  const [opened, setOpened] = useState('');
  const offered = data?.datasets ?? [];
  const ds = offered.find((d) => d.name === dsName);
  const may = standing(ds, purpose);

  async function search(e: Event) {
    e.preventDefault();
    if (!ds || !purpose) return;
    setRefused(null);
    setRows(null);
    setOpened('');
    const kana = isKana(text);
    const fields = ds.fields ?? [];
    const field = text.trim() ? fields.find((f) => f.indexed && (kana ? f.type === 'kana' : f.type === 'name')) : undefined;
    const value = kana ? normalizeKana(text) : normalizeName(text);
    setSearched(value);
    try {
      const base = `datasets/${encodeURIComponent(ds.name)}/records`;
      const found = await api('GET', base, undefined,
        field ? { purpose, field: field.name, value, limit: '20' } : { purpose, limit: '20' });
      const ids: string[] = found.ids ?? (found.records ?? []).map((r: any) => r._meta?.id ?? r.id);
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
          set={(v) => { setDsName(v); setPurpose(''); setRows(null); setRefused(null); setOpened(''); }} />
        <Choice label={['利用目的', 'Purpose']} name="purpose" value={purpose} disabled={!ds}
          placeholder={['利用目的を選択してください', 'Choose the purpose']}
          options={purposesByStanding(ds).map((p) => [p.id, `${p.title ?? p.id} (${p.id})${t(STANDING[p.standing])}`])}
          set={(v) => { setPurpose(v); setRows(null); setRefused(null); setOpened(''); }} />
        <Field label={['氏名またはフリガナ (ひらがな・カタカナ・半角可)', 'Name or reading (hiragana, katakana, any width)']}
          name="q" value={may === 'find' ? text : ''} disabled={may !== 'find'} set={setText} />
        <button type="submit" disabled={!ds || !purpose}>{t(['検索', 'Search'])}</button>
      </form>
      <p class="help" data-testid="dataset-scope">
        {t([
          `選べるのは、あなたの権限で検索または一覧できるとサーバーが答えた台帳 (${offered.length}件) です。検索のたびにサーバーが改めて判断します。`,
          `Offered: the ${offered.length} dataset(s) the server says your rights let you search or list. The server decides each search again.`,
        ])}
      </p>
      {purpose && may === 'list' && (
        <p class="help" data-testid="list-only">
          {t(['この利用目的では氏名・フリガナでの検索は認められていません。一覧のみ表示できます。',
            'Under this purpose you may not search by name or reading; only a listing is allowed.'])}
        </p>
      )}
      {!purpose && <p class="help">{t(['利用目的を選ぶまで、記録は表示されません。', 'No record is shown until a purpose is chosen.'])}</p>}
      <Refusal problem={refused} />
      {rows && (
        <>
          <p role="status" data-testid="result-count">
            {t([`「${searched}」の検索結果: ${rows.length}件`, `${rows.length} result(s) for "${searched}"`])}
          </p>
          <table data-testid="results">
            <caption class="sr-only">{t(['検索結果 (マスク表示)', 'Results (masked)'])}</caption>
            <thead><tr>
              {fields.map((f) => <th key={f.name} scope="col">{f.title ?? f.name}</th>)}
              <th scope="col">{t(['操作', 'Actions'])}</th>
            </tr></thead>
            <tbody>
              {rows.map((r, i) => {
                const id: string = r._meta?.id ?? r.id ?? '';
                return (
                  <tr key={id || i} data-id={id}>
                    {fields.map((f) => <td key={f.name}>{showValue((r.values ?? r.fields ?? r)[f.name])}</td>)}
                    <td>
                      <button type="button" aria-expanded={opened === id} onClick={() => setOpened(opened === id ? '' : id)}>
                        {t(['履歴・利用終了', 'History, end of use'])}
                      </button>
                      {ds?.inquiry_control && (
                        <>
                          {' '}
                          <button type="button" onClick={() => {
                            inquiryDraft.value = { dataset: ds.name, record: id, purpose };
                            location.hash = '#/inquiries';
                          }}>{t(['照会を申請', 'Apply for an inquiry'])}</button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {ds && rows.length > 0 && (
            <button type="button" onClick={() => {
              takeoutDraft.value = { dataset: ds.name, purpose, records: rows.map((r) => r._meta?.id ?? r.id).filter(Boolean) };
              location.hash = '#/takeouts';
            }}>{t(['見つかった記録の持ち出しを申請', 'Apply to take out the records found'])}</button>
          )}
        </>
      )}
      {ds && opened && <RecordHistory key={opened} dataset={ds.name} purpose={purpose} id={opened} fields={fields} />}
    </section>
  );
}
