// The exception ledger's status reports (申請状況報告) to the chief security
// manager, the trends (傾向) and the designation of the approvers (許可権限者)
// [002 第26-27条]. Reports and trends are read by managers, the CISO line,
// the SIRT and auditors; the CISO line produces a report and designates the
// approvers; only the chief security manager (chief_officer) acknowledges a
// report, once. Everyone sees who approves. The server decides each step;
// a refusal is shown as it words it, with whom the part is for.
import { useState } from 'preact/hooks';
import { api, type Problem } from '../api';
import { t, type Text } from '../i18n';
import { toJst } from '../lib/dates';
import { listOf } from '../lib/rights';
import { Field, Refusal, useApi, useRefusal, When } from './common';

const CATEGORIES: [string, Text][] = [
  ['applied', ['申請', 'applied']],
  ['approved', ['承認', 'approved']],
  ['rejected', ['却下', 'rejected']],
  ['in_force', ['適用中', 'in force']],
  ['ended', ['終了', 'ended']],
  ['lapsed', ['期間満了', 'lapsed']],
  ['emergencies', ['緊急 (事後届出)', 'emergencies (notified after)']],
  ['late', ['届出遅延', 'late']],
];

function PartRefused({ problem, note, testid }: { problem: Problem | null; note: Text; testid: string }) {
  if (!problem) return null;
  return (
    <div data-testid={testid}>
      <Refusal problem={problem} />
      <p class="help">{t(note)}</p>
    </div>
  );
}

function thisMonth() {
  const j = toJst(new Date());
  return `${j.year}-${String(j.month).padStart(2, '0')}`;
}

function Reports() {
  const { data, problem, reload } = useApi<any>('exceptions/reports', { limit: '100' });
  const { refused, attempt } = useRefusal();
  const [period, setPeriod] = useState(thisMonth());
  const [done, setDone] = useState('');
  const [open, setOpen] = useState<any>(null);
  async function produce(e: Event) {
    e.preventDefault();
    setDone('');
    const r = await attempt(() => api<any>('POST', 'exceptions/reports', { period }));
    if (r) {
      setDone(t(['報告を作成しました', 'Report produced']) + `: ${r.id}`);
      setOpen(r);
      reload();
    }
  }
  async function show(id: string) {
    setDone('');
    const r = await attempt(() => api<any>('GET', `exceptions/reports/${encodeURIComponent(id)}`));
    if (r) setOpen(r);
  }
  async function acknowledge(id: string) {
    setDone('');
    const r = await attempt(() => api<any>('POST', `exceptions/reports/${encodeURIComponent(id)}/acknowledge`, {}));
    if (r) {
      setDone(t(['受領しました', 'Acknowledged']) + `: ${r.id}`);
      setOpen(r);
      reload();
    }
  }
  const reports: any[] = data?.reports ?? [];
  return (
    <section aria-labelledby="exception-reports-title">
      <h2 id="exception-reports-title">{t(['申請状況報告 (統括情報セキュリティ責任者へ)', 'Status reports (to the chief security manager)'])}</h2>
      <PartRefused problem={problem} testid="exception-reports-refused"
        note={['申請状況報告は、管理者・最高情報セキュリティ責任者の系統・CSIRT・監査担当が参照できます。',
          'Status reports are for managers, the CISO line, the SIRT and auditors.']} />
      {done && <p role="status" data-testid="exception-report-done">{done}</p>}
      <Refusal problem={refused} />
      {data && (
        <table data-testid="exception-reports">
          <caption>{t(['作成された報告', 'Reports produced'])}</caption>
          <thead><tr>
            <th scope="col">ID</th><th scope="col">{t(['対象月', 'Month'])}</th><th scope="col">{t(['作成者', 'Produced by'])}</th>
            <th scope="col">{t(['作成日時', 'Produced'])}</th><th scope="col">{t(['受領', 'Acknowledged'])}</th>
            <th scope="col">{t(['操作', 'Actions'])}</th>
          </tr></thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id} data-id={r.id} data-acknowledged={String(!!r.acknowledged_at)}>
                <td>{r.id}</td><td>{r.period}</td><td>{r.produced_by}</td><td><When value={r.produced_at} /></td>
                <td>{r.acknowledged_at ? <>{r.acknowledged_by} <When value={r.acknowledged_at} /></> : t(['未受領', 'not yet'])}</td>
                <td>
                  <button type="button" onClick={() => void show(r.id)}>{t(['開く', 'Open'])}</button>{' '}
                  {!r.acknowledged_at &&
                    <button type="button" onClick={() => void acknowledge(r.id)}>{t(['受領する', 'Acknowledge'])}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && reports.length === 0 && <p>{t(['報告はまだありません。', 'No report yet.'])}</p>}
      {open && (
        <table data-testid="exception-report">
          <caption>{t([`報告 ${open.id} (${open.period})`, `Report ${open.id} (${open.period})`])}</caption>
          <thead><tr>
            <th scope="col">{t(['区分', 'Category'])}</th><th scope="col">{t(['件数', 'Count'])}</th>
            <th scope="col">{t(['例外措置ID', 'Exception IDs'])}</th>
          </tr></thead>
          <tbody>
            {CATEGORIES.map(([k, label]) => (
              <tr key={k} data-category={k}>
                <th scope="row">{t(label)}</th><td>{open.counts?.[k] ?? 0}</td>
                <td>{(open.exceptions?.[k] ?? []).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <form onSubmit={(e) => void produce(e)} aria-labelledby="exception-report-produce-title">
          <h3 id="exception-report-produce-title">{t(['月の報告を作成 (最高情報セキュリティ責任者の系統)', 'Produce a month\'s report (the CISO line)'])}</h3>
          <Field label={['対象月 (YYYY-MM)', 'Month (YYYY-MM)']} name="report-period" required pattern="\d{4}-\d{2}"
            value={period} set={setPeriod} />
          <button type="submit">{t(['作成する', 'Produce'])}</button>
        </form>
      )}
    </section>
  );
}

function Trends() {
  const { data, problem } = useApi<any>('exceptions/trends');
  const months: any[] = data?.months ?? [];
  const keys = (m: any, k: string) => Object.entries(m?.[k] ?? {}).map(([n, c]) => `${n}: ${c}`).join(', ');
  return (
    <section aria-labelledby="exception-trends-title">
      <h2 id="exception-trends-title">{t(['例外措置の傾向 (過去12か月)', 'Trends (the last twelve months)'])}</h2>
      <PartRefused problem={problem} testid="exception-trends-refused"
        note={['傾向は、管理者・最高情報セキュリティ責任者の系統・CSIRT・監査担当が参照できます。',
          'Trends are for managers, the CISO line, the SIRT and auditors.']} />
      {data && (
        <table data-testid="exception-trends">
          <caption>{t(['申請月 (JST) ごとの件数', 'Counts per month of application (JST)'])}</caption>
          <thead><tr>
            <th scope="col">{t(['月', 'Month'])}</th><th scope="col">{t(['件数', 'Total'])}</th>
            <th scope="col">{t(['規程別', 'By rule'])}</th><th scope="col">{t(['部署別', 'By department'])}</th>
            <th scope="col">{t(['状態別', 'By state'])}</th>
          </tr></thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.month} data-month={m.month} data-total={m.total}>
                <td>{m.month}</td><td>{m.total}</td><td>{keys(m, 'by_rule')}</td>
                <td>{keys(m, 'by_department')}</td><td>{keys(m, 'by_state')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Approvers() {
  const { data, problem, reload } = useApi<any>('exceptions/approvers');
  const { refused, attempt } = useRefusal();
  const [f, setF] = useState({ roles: '', persons: '' });
  const [done, setDone] = useState('');
  async function designate(e: Event) {
    e.preventDefault();
    setDone('');
    const body = { roles: listOf(f.roles), persons: listOf(f.persons) };
    if ((await attempt(() => api('PUT', 'exceptions/approvers', body))) !== undefined) {
      setDone(t(['指定しました (以後の申請から適用)', 'Designated (for applications made from now on)']));
      reload();
    }
  }
  return (
    <section aria-labelledby="exception-approvers-title">
      <h2 id="exception-approvers-title">{t(['許可権限者', 'Who approves exceptions'])}</h2>
      <Refusal problem={problem} />
      {data && (
        <p data-testid="exception-approvers" data-designated={String(!!data.designated)}>
          {data.designated
            ? t(['指定: ', 'Designated: '])
            : t(['指定なし (最高情報セキュリティ責任者の系統が承認): ', 'None designated (the CISO line approves): '])}
          {t(['ロール ', 'roles '])}{(data.roles ?? []).join(', ') || '—'}; {t(['個人 ', 'persons '])}{(data.persons ?? []).join(', ') || '—'}
          {data.designated && <> ({data.by}, <When value={data.at} />)</>}
        </p>
      )}
      <form onSubmit={(e) => void designate(e)} aria-labelledby="exception-designate-title">
        <h3 id="exception-designate-title">{t(['許可権限者の指定 (最高情報セキュリティ責任者の系統のみ)', 'Designate the approvers (the CISO line only)'])}</h3>
        <Field label={['ロール (カンマ区切り、承認できるロール)', 'Roles (comma-separated, approving roles)']} name="designate-roles"
          value={f.roles} set={(v) => setF({ ...f, roles: v })} />
        <Field label={['個人の利用者ID (カンマ区切り)', 'Persons, by user ID (comma-separated)']} name="designate-persons"
          value={f.persons} set={(v) => setF({ ...f, persons: v })} />
        <button type="submit">{t(['指定する', 'Designate'])}</button>
        {done && <p role="status" data-testid="exception-designate-done">{done}</p>}
        <Refusal problem={refused} />
      </form>
    </section>
  );
}

export function ExceptionReports() {
  return (
    <>
      <Approvers />
      <Trends />
      <Reports />
    </>
  );
}
