// Rights: requests as the API has them (request → approve → configure:
// the section manager requests, the department officer approves, the
// administrator configures; policy refuses a step to the wrong person, e.g.
// the requester approving their own request, and the refusal is shown as
// the server words it), and the review campaigns with their overdue items
// [003 II.5(4) 必須 A-B].
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { session } from '../session';
import { rightFrom, type RequestKind } from '../lib/rights';
import { Choice, Field, Refusal, useApi, useRefusal, When } from './common';
import { Reviews } from './Reviews';
import { CATEGORIES, KIND_LABELS, OPERATIONS, RightsRequest } from './RightsRequest';

type Step = 'approve' | 'configure' | 'reject' | 'withdraw';
const STEP_DONE: Record<Step, Text> = {
  approve: ['承認しました', 'Approved'],
  configure: ['設定しました', 'Configured'],
  reject: ['却下しました', 'Rejected'],
  withdraw: ['取り下げました', 'Withdrawn'],
};
// The kinds the other form does not make (a grant has its own form).
const OTHER_KINDS: Record<string, Text> = {
  grant: ['権限の付与', 'Grant'],
  revocation: ['見直しによる取消し', 'Revocation by a review'],
  credential_reset: ['認証情報の再設定', 'Credential reset'],
};
const STATES: Record<string, Text> = {
  requested: ['申請中', 'requested'],
  approved: ['承認済 (設定待ち)', 'approved (to configure)'],
  configured: ['設定済', 'configured'],
  rejected: ['却下', 'rejected'],
  withdrawn: ['取下げ', 'withdrawn'],
};

function rightText(r: any): string {
  if (!r) return '';
  return [r.role, r.dataset, r.operation, r.purpose, r.department].filter(Boolean).join(' / ');
}

function Requests({ made }: { made: number }) {
  const { data, problem, reload } = useApi<any>('rights/requests', undefined, [made]);
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function step(id: string, how: Step) {
    setDone('');
    const body = how === 'reject' || how === 'withdraw' ? { reason: `${how === 'reject' ? 'rejected' : 'withdrawn'}_in_console` } : {};
    if (await attempt(() => api('POST', `rights/requests/${encodeURIComponent(id)}/${how}`, body))) {
      setDone(t(STEP_DONE[how]));
      reload();
    }
  }
  const list: any[] = data?.requests ?? [];
  const me = session.value?.principal.id;
  return (
    <>
      <Refusal problem={problem ?? refused} />
      {done && <p role="status" data-testid="rights-done">{done}</p>}
      <table data-testid="rights-requests">
        <caption>{t(['未完了の権限申請', 'Open rights requests'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['種類', 'Kind'])}</th>
          <th scope="col">{t(['権限', 'Right'])}</th><th scope="col">{t(['申請者', 'Requested by'])}</th>
          <th scope="col">{t(['申請日時', 'Requested'])}</th><th scope="col">{t(['状態', 'State'])}</th>
          <th scope="col">{t(['操作', 'Actions'])}</th>
        </tr></thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} data-id={r.id} data-state={r.state} data-kind={r.use ? 'use' : r.kind}>
              <td>{r.id}</td><td>{t(KIND_LABELS[(r.use ? 'use' : r.kind) as RequestKind] ?? OTHER_KINDS[r.kind] ?? [r.kind, r.kind])}</td><td>{rightText(r.right)}</td>
              <td>{r.requested?.by_name || r.requested?.by}</td><td><When value={r.requested?.at} /></td>
              <td>{STATES[r.state] ? t(STATES[r.state]!) : r.state}</td>
              <td>
                {r.state === 'requested' && (
                  <button type="button" onClick={() => void step(r.id, 'approve')}>{t(['承認', 'Approve'])}</button>
                )}
                {r.state === 'approved' && (
                  <button type="button" onClick={() => void step(r.id, 'configure')}>{t(['設定', 'Configure'])}</button>
                )}{' '}
                {(r.state === 'requested' || r.state === 'approved') && (r.requested?.by === me ? (
                  <button type="button" onClick={() => void step(r.id, 'withdraw')}>{t(['取下げ', 'Withdraw'])}</button>
                ) : (
                  <button type="button" onClick={() => void step(r.id, 'reject')}>{t(['却下', 'Reject'])}</button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && !problem && <p>{t(['未完了の申請はありません。', 'No open request.'])}</p>}
    </>
  );
}

// A grant request: the right as the rights register records it.
function RequestGrant({ onDone }: { onDone: () => void }) {
  const [f, setF] = useState({ role: 'handler', category: '', dataset: '', operation: 'read', purpose: '', department: '', persons: '', reason: '' });
  const { refused, attempt } = useRefusal();
  const [made, setMade] = useState('');
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  async function submit(e: Event) {
    e.preventDefault();
    setMade('');
    const right = rightFrom(f);
    const r = await attempt(() => api('POST', 'rights/requests', { kind: 'grant', right, reason: f.reason }));
    if (r) {
      setMade(r.id);
      onDone();
    }
  }
  return (
    <form onSubmit={submit} class="search" aria-labelledby="grant-title">
      <h2 id="grant-title">{t(['権限付与の申請', 'Request a grant'])}</h2>
      <p class="help">{t(['申請 → 承認 (部門責任者) → 設定 (システム管理者) の順に進みます。申請者は自分の申請を承認できません。',
        'A request is approved (department officer), then configured (administrator); nobody approves their own request.'])}</p>
      <Field label={['ロール', 'Role']} name="role" required value={f.role} set={set('role')} />
      <Choice label={['区分', 'Category']} name="category" value={f.category} set={set('category')}
        placeholder={['選択してください', 'Choose']}
        options={CATEGORIES.map(([v, l]) => [v, t(l)])} />
      <Field label={['データセット名', 'Dataset name']} name="dataset" required value={f.dataset} set={set('dataset')} />
      <Choice label={['操作', 'Operation']} name="operation" value={f.operation} set={set('operation')}
        placeholder={['選択してください', 'Choose']}
        options={OPERATIONS.map((o) => [o, o])} />
      <Field label={['利用目的ID', 'Purpose id']} name="purpose" value={f.purpose} set={set('purpose')} />
      <Field label={['部署', 'Department']} name="department" required value={f.department} set={set('department')} />
      <Field label={['対象者ID (カンマ区切り)', 'Persons (ids, comma-separated)']} name="persons" value={f.persons} set={set('persons')} />
      <Field label={['申請理由', 'Reason']} name="reason" required value={f.reason} set={set('reason')} />
      <button type="submit">{t(['申請する', 'Request'])}</button>
      {made && <p role="status" data-testid="rights-requested">{t([`申請しました: ${made}`, `Requested: ${made}`])}</p>}
      <Refusal problem={refused} />
    </form>
  );
}

export function Rights() {
  const [made, setMade] = useState(0);
  return (
    <section aria-labelledby="rights-title">
      <h1 id="rights-title">{t(['権限の申請・見直し', 'Rights requests and reviews'])}</h1>
      <Requests made={made} />
      <RequestGrant onDone={() => setMade((x) => x + 1)} />
      <RightsRequest onDone={() => setMade((x) => x + 1)} />
      <Reviews />
    </section>
  );
}
