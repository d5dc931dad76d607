// Exception measures (例外措置, [002 第26-27条]): apply (the rule departed
// from, the measure, the scope and the reason as codes, never text — the
// audit log keeps identifiers only), the ledger (例外措置台帳) for those
// who may read it, and ending one's own exception early. The approvers the
// CISO designated decide each application on the approvals screen; the
// server refuses the applicant's own decision and shows why.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { Day, Field, Refusal, useApi, useRefusal, When } from './common';
import { ExceptionReports } from './ExceptionReports';

const STATES: Record<string, Text> = {
  pending: ['承認待ち', 'pending'],
  rejected: ['却下', 'rejected'],
  cancelled: ['取消し', 'cancelled'],
  expired: ['期限切れ', 'expired'],
  scheduled: ['開始前', 'scheduled'],
  in_force: ['適用中', 'in force'],
  ended: ['終了', 'ended'],
  lapsed: ['期間満了', 'lapsed'],
};

function Apply({ onDone }: { onDone: (id: string) => void }) {
  const [f, setF] = useState({ rule: '', measure: '', scope: '', reason: '', start: jstDayAhead(0), end: jstDayAhead(7) });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { refused, attempt } = useRefusal();
  async function submit(e: Event) {
    e.preventDefault();
    const r = await attempt(() => api<any>('POST', 'exceptions', f));
    if (r) onDone(r.id);
  }
  return (
    <form onSubmit={submit} aria-labelledby="exception-apply-title">
      <h2 id="exception-apply-title">{t(['例外措置の申請', 'Apply for an exception'])}</h2>
      <p class="help">{t(['規程の条項・措置・対象・理由はコードで記入します (例: 002.art47, takeout.unencrypted)。',
        'Rule, measure, scope and reason are codes (e.g. 002.art47, takeout.unencrypted).'])}</p>
      <Field label={['適用しない規程 (条項コード)', 'Rule departed from (clause code)']} name="rule" required value={f.rule} set={set('rule')} />
      <Field label={['代替措置コード', 'Measure code']} name="measure" required value={f.measure} set={set('measure')} />
      <Field label={['対象 (データセット・システム・部署のコード)', 'Scope (dataset, system or department code)']} name="scope" required value={f.scope} set={set('scope')} />
      <Field label={['理由コード', 'Reason code']} name="reason" required value={f.reason} set={set('reason')} />
      <Field label={['開始日 (JST)', 'First day (JST)']} name="start" type="date" required value={f.start} set={set('start')} />
      <Field label={['終了日 (JST)', 'Last day (JST)']} name="end" type="date" required value={f.end} set={set('end')} />
      <button type="submit">{t(['申請する', 'Apply'])}</button>
      <Refusal problem={refused} />
    </form>
  );
}

// The ledger with the application form, or the reports, trends and the
// approvers (ExceptionReports.tsx): one part at a time, each asking the
// API only when shown.
const PARTS: [string, Text][] = [
  ['ledger', ['台帳・申請', 'Ledger, applications']],
  ['reports', ['報告・傾向・許可権限者', 'Reports, trends, approvers']],
];

export function Exceptions() {
  const [part, setPart] = useState('ledger');
  return (
    <section aria-labelledby="exceptions-title">
      <h1 id="exceptions-title">{t(['例外措置', 'Exceptions'])}</h1>
      <p role="group" aria-label={t(['例外措置の表示', 'What to show'])}>
        {PARTS.map(([id, label]) => (
          <button key={id} type="button" class="tab" aria-pressed={part === id} onClick={() => setPart(id)}>{t(label)}</button>
        ))}
      </p>
      {part === 'ledger' ? <Ledger /> : <ExceptionReports />}
    </section>
  );
}

function Ledger() {
  const { data, problem, reload } = useApi<any>('exceptions');
  const { refused, attempt } = useRefusal();
  const [applied, setApplied] = useState('');
  const [done, setDone] = useState('');
  async function end(id: string) {
    setDone('');
    const r = await attempt(() => api('POST', `exceptions/${encodeURIComponent(id)}/end`, {}));
    if (r !== undefined) {
      setDone(t(['例外措置を終了しました', 'Exception ended']));
      reload();
    }
  }
  const list: any[] = data?.exceptions ?? [];
  return (
    <>
      {applied && (
        <p role="status" data-testid="exception-applied">
          {t(['申請しました (承認は「承認」画面で指定された承認者が行います)', 'Applied (the designated approvers decide it on the approvals screen)'])}: {applied}
        </p>
      )}
      {done && <p role="status" data-testid="exception-done">{done}</p>}
      <Refusal problem={refused} />
      {problem ? (
        <div data-testid="exceptions-ledger-refused">
          <Refusal problem={problem} />
          <p class="help">{t(['例外措置台帳は、管理者・監査担当などに限り参照できます。申請はできます。',
            'The exception ledger is for managers and auditors; you may still apply.'])}</p>
        </div>
      ) : (
        <table data-testid="exceptions">
          <caption>{t(['例外措置台帳', 'Exception ledger'])}</caption>
          <thead><tr>
            <th scope="col">ID</th><th scope="col">{t(['規程', 'Rule'])}</th><th scope="col">{t(['措置', 'Measure'])}</th>
            <th scope="col">{t(['対象', 'Scope'])}</th><th scope="col">{t(['期間', 'Period'])}</th>
            <th scope="col">{t(['申請者', 'Applicant'])}</th><th scope="col">{t(['申請日時', 'Applied'])}</th>
            <th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['操作', 'Actions'])}</th>
          </tr></thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.id} data-id={e.id} data-state={e.state}>
                <td>{e.id}</td><td>{e.rule}</td><td>{e.measure}</td><td>{e.scope}</td>
                <td><Day value={e.start} /> – <Day value={e.end} /></td>
                <td>{e.applicant_name || e.applicant}</td><td><When value={e.applied_at} /></td>
                <td>{t(STATES[e.state] ?? [e.state, e.state])}</td>
                <td>{(e.state === 'in_force' || e.state === 'scheduled') &&
                  <button type="button" onClick={() => void end(e.id)}>{t(['終了', 'End'])}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Apply onDone={(id) => { setApplied(id); reload(); }} />
    </>
  );
}
