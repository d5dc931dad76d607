// The dataset ledger (特定個人情報等の取扱台帳, [002 第13条], docs/REQUIREMENTS.md
// §3): every dataset's ledger entry, summarised, in one answer (GET
// /v1/ledger) — department, category, classification, the records held and disposed of
// now, counted by the server —, and one dataset's whole entry (GET
// /v1/datasets/{ds}/ledger, when opened): items
// collected, purposes, retention, storage, handling and take-out rules.
// Printable on A4. The ledger is for managers, administrators and
// auditors: the server refuses it to others, and the refusal is shown.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { lang, t } from '../i18n';
import { formatNumber } from '../lib/dates';
import { useSignal } from '../signal';
import { PrintButton, PrintHeading } from './Print';
import { saveCsv } from './Browse';
import { Refusal, useApi } from './common';

function Count({ n }: { n: unknown }) {
  useSignal(lang);
  return <>{typeof n === 'number' ? formatNumber(n, lang.value) : ''}</>;
}

function Entry({ l }: { l: any }) {
  const take = l.takeout ?? {};
  return (
    <section aria-labelledby="ledger-entry-title" data-testid="ledger-entry">
      <h2 id="ledger-entry-title">{t([`${l.title || l.name} の台帳`, `Ledger of ${l.title || l.name}`])}</h2>
      <dl class="entry">
        <dt>{t(['データセット', 'Dataset'])}</dt><dd>{l.name}</dd>
        <dt>{t(['所管部署', 'Department'])}</dt><dd>{l.department}</dd>
        <dt>{t(['管理区分', 'Management category'])}</dt><dd>{l.management_category}</dd>
        <dt>{t(['概要', 'Description'])}</dt><dd>{l.description}</dd>
        <dt>{t(['格付け', 'Classification'])}</dt><dd>{l.classification?.label}</dd>
        <dt>{t(['保有件数', 'Records held'])}</dt><dd data-testid="ledger-records"><Count n={l.records} /></dd>
        <dt>{t(['廃棄件数', 'Records disposed of'])}</dt><dd data-testid="ledger-disposals"><Count n={l.disposals} /></dd>
        <dt>{t(['保存期間', 'Retention'])}</dt><dd>{l.retention?.rule}</dd>
        <dt>{t(['保管場所', 'Storage'])}</dt><dd>{l.storage?.place} ({l.storage?.backend})</dd>
        <dt>{t(['保管方法', 'Method'])}</dt><dd>{l.storage?.method}</dd>
        <dt>{t(['取扱制限', 'Handling restrictions'])}</dt>
        <dd>{(l.handling_restrictions ?? []).map((h: any) => h.label_ja ?? h.id).join('、') || t(['なし', 'none'])}</dd>
        <dt>{t(['持ち出し', 'Take-outs'])}</dt>
        <dd>
          {take.permitted ? t(['可 (承認が必要)', 'permitted (approval needed)']) : t(['不可', 'refused'])}
          {take.internal_only ? t([' / 組織内のみ', ' / inside the organisation only']) : ''}
          {take.destroy_only ? t([' / 廃棄のみ', ' / destruction only']) : ''}
          {take.permitted && take.approver_roles?.length ? ` / ${t(['承認: ', 'approved by: '])}${take.approver_roles.join(', ')}` : ''}
          {!take.permitted && take.reason ? ` — ${t([take.reason_ja ?? take.reason, take.reason])}` : ''}
        </dd>
        <dt>{t(['定義の版', 'Definition version'])}</dt><dd>{l.definition_version} ({l.updated_at} {l.updated_by})</dd>
      </dl>
      <table data-testid="ledger-items">
        <caption>{t(['取得する項目', 'Items collected'])}</caption>
        <thead><tr>
          <th scope="col">{t(['項目', 'Item'])}</th><th scope="col">{t(['名称', 'Title'])}</th><th scope="col">{t(['型', 'Type'])}</th>
          <th scope="col">{t(['必須', 'Required'])}</th><th scope="col">{t(['検索索引', 'Indexed'])}</th>
        </tr></thead>
        <tbody>
          {(l.items_collected ?? []).map((f: any) => (
            <tr key={f.name}>
              <td>{f.name}</td><td>{f.title}</td><td>{t([f.type_ja ?? f.type, f.type])}</td>
              <td>{f.required ? '○' : ''}</td><td>{f.indexed ? '○' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table data-testid="ledger-purposes">
        <caption>{t(['利用目的', 'Purposes'])}</caption>
        <thead><tr><th scope="col">ID</th><th scope="col">{t(['利用目的', 'Purpose'])}</th><th scope="col">{t(['根拠', 'Basis'])}</th></tr></thead>
        <tbody>
          {(l.purposes ?? []).map((p: any) => <tr key={p.id}><td>{p.id}</td><td>{p.title}</td><td>{p.basis}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

// The summary as an Excel-ready CSV: the values as the API gave them.
const CSV_COLUMNS = ['name', 'title', 'department', 'management_category', 'classification', 'records', 'disposals', 'retention'];
function csvRow(l: any): Record<string, unknown> {
  return { ...l, classification: l.classification?.label, retention: l.retention?.rule };
}

export function Ledger() {
  // Every dataset's entry summarised in one answer (GET /v1/ledger), each
  // counted and audited by the server as a read of that dataset's ledger.
  const summary = useApi<{ datasets: any[]; totals: { records?: number; disposals?: number } }>('ledger');
  const ledgers = summary.data?.datasets ?? null;
  const problem: Problem | null = summary.problem ?? null;
  // One dataset's whole entry, asked for when opened.
  const [open, setOpen] = useState('');
  const [shown, setShown] = useState<any | null>(null);
  const [entryProblem, setEntryProblem] = useState<Problem | null>(null);
  useEffect(() => {
    setShown(null);
    setEntryProblem(null);
    if (!open) return;
    let live = true;
    api('GET', `datasets/${encodeURIComponent(open)}/ledger`).then(
      (l) => live && setShown(l),
      (e) => live && e instanceof ApiError && setEntryProblem(e.problem),
    );
    return () => {
      live = false;
    };
  }, [open]);
  const total = (k: 'records' | 'disposals') => {
    const n = summary.data?.totals?.[k];
    return formatNumber(typeof n === 'number' ? n : 0, lang.value);
  };
  return (
    <section aria-labelledby="ledger-title">
      <h1 id="ledger-title">{t(['データセット台帳', 'Dataset ledger'])}</h1>
      <PrintHeading title={['データセット台帳 (取扱台帳)', 'Dataset ledger']} />
      <Refusal problem={problem ?? entryProblem} />
      {problem?.status === 403 && (
        <p class="help" data-testid="ledger-note">{t(['台帳 (件数を含む) は、管理者・課長以上・監査担当が閲覧できます。',
          'The ledger (with its counts) is for administrators, managers and auditors.'])}</p>
      )}
      {ledgers && (
        <>
          <PrintButton />{' '}
          <button type="button" class="no-print" onClick={() => saveCsv('dataset-ledger', CSV_COLUMNS, ledgers.map(csvRow))}>
            {t(['CSV (Excel) で保存', 'Save as CSV (Excel)'])}
          </button>
          <table data-testid="ledger">
            <caption>{t([`データセット ${ledgers.length}件 (保有 ${total('records')}件、廃棄 ${total('disposals')}件)`,
              `${ledgers.length} datasets (${total('records')} records held, ${total('disposals')} disposed of)`])}</caption>
            <thead><tr>
              <th scope="col">{t(['データセット', 'Dataset'])}</th><th scope="col">{t(['名称', 'Title'])}</th>
              <th scope="col">{t(['所管部署', 'Department'])}</th><th scope="col">{t(['管理区分', 'Category'])}</th>
              <th scope="col">{t(['格付け', 'Classification'])}</th><th scope="col">{t(['保有件数', 'Records'])}</th>
              <th scope="col">{t(['廃棄件数', 'Disposed of'])}</th><th scope="col">{t(['保存期間', 'Retention'])}</th>
              <th scope="col" class="no-print">{t(['詳細', 'Entry'])}</th>
            </tr></thead>
            <tbody>
              {ledgers.map((l) => (
                <tr key={l.name} data-id={l.name}>
                  <td>{l.name}</td><td>{l.title}</td><td>{l.department}</td><td>{l.management_category}</td>
                  <td>{l.classification?.label}</td><td class="num" data-testid="records"><Count n={l.records} /></td>
                  <td class="num"><Count n={l.disposals} /></td><td>{l.retention?.rule}</td>
                  <td class="no-print">
                    <button type="button" aria-pressed={open === l.name} onClick={() => setOpen(l.name)}>{t(['開く', 'Open'])}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown && <Entry l={shown} />}
        </>
      )}
    </section>
  );
}
