// Approvals: the requests this person may decide now, and their own. The
// server refuses the applicant's decision of their own request
// (approval.self_approval); the refusal is shown as the server words it.
// An approved request of one's own to shred a record before its retention
// ends carries the disposal itself (the record it names).
import { useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { t } from '../i18n';
import { Field, Refusal, useApi, When } from './common';

// The record an approved non-standard-work request of one's own to shred
// names ("dataset/record"), or null: the disposal before the retention ends
// starts from it, since its holder need not be able to search the record
// (a shred grant is not a read grant).
export function shredTarget(a: any): { dataset: string; id: string } | null {
  if (a?.type !== 'non_standard_work' || a?.action !== 'record.shred' || a?.state !== 'approved') return null;
  const m = /^([a-z0-9_]+)\/([0-9a-f]{32})$/.exec(String(a?.subject ?? ''));
  return m ? { dataset: m[1]!, id: m[2]! } : null;
}

// The disposal of the record an approved request names: DELETE with the
// approval and a reason code; the server decides (the shred grant, the
// approval being the applicant's own and for this record) and refuses,
// explained, what it does not allow.
function Dispose({ approval, target }: { approval: string; target: { dataset: string; id: string } }) {
  const [reason, setReason] = useState('purpose_ended');
  const [refused, setRefused] = useState<Problem | null>(null);
  const [disposed, setDisposed] = useState('');
  async function dispose() {
    setRefused(null);
    try {
      const r = await api<any>('DELETE', `datasets/${encodeURIComponent(target.dataset)}/records/${encodeURIComponent(target.id)}`,
        undefined, { approval, reason });
      setDisposed(r?.id ?? target.id);
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  if (disposed) return <span role="status" data-testid="approval-disposed">{t(['廃棄しました', 'Disposed of'])}: {disposed}</span>;
  return (
    <>
      <Field label={[`廃棄理由コード (${approval})`, `Reason code (${approval})`]} name={`dispose-reason-${approval}`} required
        value={reason} set={setReason} />
      <button type="button" onClick={() => void dispose()}>{t(['記録を廃棄する', 'Dispose of the record'])}</button>
      <Refusal problem={refused} />
    </>
  );
}

function Table({ view }: { view: 'pending' | 'mine' }) {
  const { data, problem, reload } = useApi<any>('approvals', { view }, [view]);
  const [refused, setRefused] = useState<Problem | null>(null);
  const [done, setDone] = useState('');
  async function decide(id: string, how: 'approve' | 'reject') {
    setRefused(null);
    setDone('');
    try {
      await api('POST', `approvals/${encodeURIComponent(id)}/${how}`, {});
      setDone(how === 'approve' ? t(['承認しました', 'Approved']) : t(['却下しました', 'Rejected']));
      reload();
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  const list: any[] = data?.approvals ?? [];
  return (
    <>
      <Refusal problem={problem ?? refused} />
      {done && <p role="status">{done}</p>}
      <table data-testid={`approvals-${view}`}>
        <caption>{view === 'pending' ? t(['承認待ち', 'Awaiting my decision']) : t(['自分の申請', 'My requests'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['種類', 'Type'])}</th>
          <th scope="col">{t(['申請者', 'Applicant'])}</th><th scope="col">{t(['状態', 'State'])}</th>
          <th scope="col">{t(['申請日時', 'Applied'])}</th><th scope="col">{t(['操作', 'Actions'])}</th>
        </tr></thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id} data-id={a.id}>
              <td>{a.id}</td><td>{a.type}</td><td>{a.applicant}</td><td>{a.state}</td>
              <td><When value={a.created_at ?? a.applied_at} /></td>
              <td>
                {view === 'mine' && shredTarget(a) && <Dispose approval={a.id} target={shredTarget(a)!} />}
                {a.state === 'pending' && (
                  <>
                    <button type="button" onClick={() => void decide(a.id, 'approve')}>{t(['承認', 'Approve'])}</button>{' '}
                    <button type="button" onClick={() => void decide(a.id, 'reject')}>{t(['却下', 'Reject'])}</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && !problem && <p>{t(['該当する申請はありません。', 'Nothing here.'])}</p>}
    </>
  );
}

// A request of non-standard work (標準外作業): subject, action and reason
// are codes, because the audit log keeps identifiers only.
function Apply({ onDone }: { onDone: () => void }) {
  const [subject, setSubject] = useState('');
  const [action, setAction] = useState('');
  const [reason, setReason] = useState('');
  const [refused, setRefused] = useState<Problem | null>(null);
  const [made, setMade] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    setRefused(null);
    try {
      const a = await api('POST', 'approvals', { type: 'non_standard_work', subject, action, reason });
      setMade(a.id);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  // A subject may name a record ("dataset/record id"), as a disposal's does.
  const code = '[a-z0-9._\\/\\-]+';
  return (
    <form onSubmit={submit} class="search" aria-labelledby="apply-title">
      <h2 id="apply-title">{t(['標準外作業の申請', 'Apply for non-standard work'])}</h2>
      <p class="help">{t(['対象・作業・理由は英小文字・数字のコードで入力します (監査ログには識別子のみを記録するため)。',
        'Subject, action and reason are codes (lower-case letters, digits): the audit log keeps identifiers only.'])}</p>
      <Field label={['対象', 'Subject']} name="subject" required pattern={code} value={subject} set={setSubject} />
      <Field label={['作業', 'Action']} name="action" required pattern={code} value={action} set={setAction} />
      <Field label={['理由', 'Reason']} name="reason" required pattern={code} value={reason} set={setReason} />
      <button type="submit">{t(['申請する', 'Apply'])}</button>
      {made && <p role="status" data-testid="applied">{t([`申請しました: ${made}`, `Applied: ${made}`])}</p>}
      <Refusal problem={refused} />
    </form>
  );
}

export function Approvals() {
  const [n, setN] = useState(0);
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">{t(['承認', 'Approvals'])}</h1>
      <Table key={`p${n}`} view="pending" />
      <Table key={`m${n}`} view="mine" />
      <Apply onDone={() => setN((x) => x + 1)} />
    </section>
  );
}
