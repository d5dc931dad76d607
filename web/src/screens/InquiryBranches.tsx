// Head-office inquiries requested by branches and their reconciliation
// ([003 VI(1)②]: head office checks that its inquiries equal the requests
// the branches registered), and the daily inquiry lists (照会件数・被照会者
// リスト) on their own. Each part is what the API answers this person: a
// branch's operator, confirmer or section manager registers requests;
// confirmers, managers, the CISO line and auditors reconcile; the lists'
// readers see the lists and a confirmer of the dataset's department who
// made none of its inquiries confirms one. A refused part says so, explained.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { Day, Field, Refusal, useApi, useRefusal, When } from './common';

// The part's refusal and whom the part is for.
function PartRefused({ problem, note, testid }: { problem: unknown; note: Text; testid: string }) {
  if (!problem) return null;
  return (
    <div data-testid={testid}>
      <Refusal problem={problem as any} />
      <p class="help">{t(note)}</p>
    </div>
  );
}

function Requests() {
  const { data, problem, reload } = useApi<any>('inquiries/requests', { limit: '200' });
  const [f, setF] = useState({ dataset: '', consent: '' });
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    setDone('');
    const r = await attempt(() => api<any>('POST', 'inquiries/requests', f));
    if (r) {
      setDone(r.id);
      setF({ dataset: '', consent: '' });
      reload();
    }
  }
  const list: any[] = data?.requests ?? [];
  return (
    <section aria-labelledby="branch-requests-title">
      <h2 id="branch-requests-title">{t(['営業店からの照会依頼', 'Branch requests of head-office inquiries'])}</h2>
      <PartRefused problem={problem} testid="branch-requests-refused"
        note={['照会依頼は、照会作業者・確認者・管理者・監査担当が参照できます。', 'Branch requests are for inquiry operators, confirmers, managers and auditors.']} />
      {data && (
        <table data-testid="branch-requests">
          <caption>{t(['照会依頼の一覧 (営業店は自店の依頼、本部は照会したもの)', 'Requests (a branch sees its own; head office those it inquired on)'])}</caption>
          <thead><tr>
            <th scope="col">ID</th><th scope="col">{t(['営業店', 'Branch'])}</th><th scope="col">{t(['データセット', 'Dataset'])}</th>
            <th scope="col">{t(['同意書の番号', 'Consent reference'])}</th><th scope="col">{t(['依頼者', 'Requested by'])}</th>
            <th scope="col">{t(['依頼日時', 'Requested'])}</th><th scope="col">{t(['照会', 'Inquiry'])}</th>
          </tr></thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} data-id={r.id}>
                <td>{r.id}</td><td>{r.branch}</td><td>{r.dataset}</td><td>{r.consent}</td>
                <td>{r.requested_by_name || r.requested_by}</td><td><When value={r.created_at} /></td>
                <td>{r.inquiry || t(['未照会', 'not inquired'])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && list.length === 0 && <p>{t(['照会依頼はありません。', 'No request.'])}</p>}
      <form onSubmit={(e) => void submit(e)} aria-labelledby="branch-request-title">
        <h3 id="branch-request-title">{t(['本部への照会依頼の登録 (営業店)', 'Register a request to head office (branch)'])}</h3>
        <p class="help">{t(['依頼元の営業店は、あなたの所属部署です。同意書は営業店で確認したものの番号を記入します。',
          'The branch is your department. The consent reference is that of the document the branch checked.'])}</p>
        <Field label={['依頼の対象データセット', 'Dataset of the request']} name="request-dataset" required value={f.dataset} set={(v) => setF({ ...f, dataset: v })} />
        <Field label={['営業店で確認した同意書 (文書番号)', 'Consent document the branch checked (reference)']} name="request-consent" required
          value={f.consent} set={(v) => setF({ ...f, consent: v })} />
        <button type="submit">{t(['依頼を登録する', 'Register the request'])}</button>
        {done && <p role="status" data-testid="branch-request-done">{t(['登録しました', 'Registered'])}: {done}</p>}
        <Refusal problem={refused} />
      </form>
    </section>
  );
}

function Reconciliation() {
  const [range, setRange] = useState({ from: jstDayAhead(-7), to: jstDayAhead(0) });
  const [asked, setAsked] = useState<typeof range | null>(null);
  const { data, problem } = useApi<any>(asked ? 'inquiries/reconciliation' : null, asked ?? undefined, [asked]);
  function submit(e: Event) {
    e.preventDefault();
    setAsked({ ...range });
  }
  const branches: any[] = data?.branches ?? [];
  return (
    <section aria-labelledby="reconciliation-title">
      <h2 id="reconciliation-title">{t(['照会件数と依頼件数の突合', 'Inquiries reconciled with branch requests'])}</h2>
      <form onSubmit={submit} aria-labelledby="reconciliation-title">
        <Field label={['開始日 (JST)', 'From (JST)']} name="reconcile-from" type="date" required value={range.from} set={(v) => setRange({ ...range, from: v })} />
        <Field label={['終了日 (JST)', 'To (JST)']} name="reconcile-to" type="date" required value={range.to} set={(v) => setRange({ ...range, to: v })} />
        <button type="submit">{t(['突合する', 'Reconcile'])}</button>
      </form>
      <PartRefused problem={problem} testid="reconciliation-refused"
        note={['突合は、確認者・管理者・最高情報セキュリティ責任者の系統・監査担当が行います。', 'Reconciliation is for confirmers, managers, the CISO line and auditors.']} />
      {data && !problem && (
        <>
          <p data-testid="reconciliation-total" data-matches={String(data.matches)}>
            <Day value={data.from} /> – <Day value={data.to} />:{' '}
            {t(['依頼', 'requests'])} {data.requests} / {t(['照会', 'inquiries'])} {data.inquiries} —{' '}
            <strong>{data.matches ? t(['一致', 'matched']) : t(['不一致', 'unmatched'])}</strong>
          </p>
          <table data-testid="reconciliation">
            <caption>{t(['営業店ごとの突合', 'Per branch'])}</caption>
            <thead><tr>
              <th scope="col">{t(['営業店', 'Branch'])}</th><th scope="col">{t(['依頼件数', 'Requests'])}</th>
              <th scope="col">{t(['照会件数', 'Inquiries'])}</th><th scope="col">{t(['結果', 'Result'])}</th>
              <th scope="col">{t(['未照会の依頼', 'Requests not inquired on'])}</th>
            </tr></thead>
            <tbody>
              {branches.map((b) => (
                <tr key={b.branch} data-branch={b.branch} data-matches={String(b.matches)}>
                  <td>{b.branch}</td><td>{b.requests}</td><td>{b.inquiries}</td>
                  <td>{b.matches ? t(['一致', 'matched']) : t(['不一致', 'unmatched'])}</td>
                  <td>{(b.unanswered ?? []).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {branches.length === 0 && <p>{t(['この期間の依頼はありません。', 'No request in this period.'])}</p>}
        </>
      )}
    </section>
  );
}

const LIST_STATES: Record<string, Text> = { pending: ['未確認', 'pending'], confirmed: ['確認済み', 'confirmed'] };

function Lists() {
  const [state, setState] = useState('pending');
  const { data, problem, reload } = useApi<any>('inquiries/lists', state ? { state, limit: '200' } : { limit: '200' }, [state]);
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function confirm(id: string) {
    setDone('');
    if ((await attempt(() => api('POST', `lists/${encodeURIComponent(id)}/confirm`, {}))) !== undefined) {
      setDone(t(['確認しました', 'Confirmed']) + `: ${id}`);
      reload();
    }
  }
  const lists: any[] = data?.lists ?? [];
  return (
    <section aria-labelledby="inquiry-lists-title">
      <h2 id="inquiry-lists-title">{t(['照会件数・被照会者リスト (日次)', 'Daily inquiry lists'])}</h2>
      <p class="help">{t(['翌営業日までに、そのデータセットの部署の確認者 (照会をしていない人) が確認します。',
        'Due by the next business day; confirmed by a confirmer of the dataset\'s department who made none of its inquiries.'])}</p>
      <label>
        {t(['表示するリスト', 'Lists shown'])}
        <select name="inquiry-list-state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="pending">{t(LIST_STATES.pending!)}</option>
          <option value="confirmed">{t(LIST_STATES.confirmed!)}</option>
          <option value="">{t(['すべて', 'all'])}</option>
        </select>
      </label>
      <PartRefused problem={problem} testid="inquiry-lists-refused"
        note={['照会のリストは、確認者・管理者・監査担当が参照できます。', 'The inquiry lists are for confirmers, managers and auditors.']} />
      {done && <p role="status" data-testid="inquiry-list-done">{done}</p>}
      <Refusal problem={refused} />
      {data && (
        <table data-testid="inquiry-lists">
          <caption>{t(['照会のリスト', 'Inquiry lists'])}</caption>
          <thead><tr>
            <th scope="col">{t(['営業日', 'Business day'])}</th><th scope="col">{t(['データセット', 'Dataset'])}</th>
            <th scope="col">{t(['照会件数', 'Inquiries'])}</th><th scope="col">{t(['被照会者 (記録ID)', 'Inquired about (record IDs)'])}</th>
            <th scope="col">{t(['期限', 'Due'])}</th><th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['操作', 'Actions'])}</th>
          </tr></thead>
          <tbody>
            {lists.map((l) => (
              <tr key={l.id} data-id={l.id} data-state={l.state}>
                <td><Day value={l.date} /></td><td>{l.dataset}</td><td>{l.total}</td>
                <td>{(l.subjects ?? []).map((s: any) => s.record).join(', ')}</td>
                <td><Day value={l.due} /></td>
                <td>{t(LIST_STATES[l.state] ?? [l.state, l.state])}{l.confirmed_by ? ` (${l.confirmed_by})` : ''}</td>
                <td>{l.state === 'pending' &&
                  <button type="button" onClick={() => void confirm(l.id)}>{t(['確認', 'Confirm'])}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && lists.length === 0 && <p>{t(['該当するリストはありません。', 'No list.'])}</p>}
    </section>
  );
}

// The parts beside the inquiries themselves, one at a time (Inquiries.tsx
// shows the tabs): branch requests with their reconciliation, or the lists.
export const BRANCH_PARTS: [string, Text][] = [
  ['inquiries', ['照会', 'Inquiries']],
  ['requests', ['営業店からの依頼・突合', 'Branch requests, reconciliation']],
  ['lists', ['照会のリスト (日次)', 'Daily inquiry lists']],
];

export function InquiryBranches({ part }: { part: string }) {
  if (part === 'requests') return <><Requests /><Reconciliation /></>;
  if (part === 'lists') return <Lists />;
  return null;
}
