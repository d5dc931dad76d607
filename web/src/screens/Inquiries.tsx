// Credit-information inquiries (信用情報の照会) under two-person control
// [003 VI(1)①]: the inquiry operator applies (with the consent document's
// reference), a confirmer of the operator's department approves, issues
// the one-time number or releases the held answer, and only the operator
// runs the inquiry and reads its answer. The server decides every step —
// the operator approving their own inquiry, running it unapproved, a
// confirmer of another department — and its refusal is shown as it words it.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { signal } from '../signal';
import { Field, Refusal, showValue, useApi, useRefusal, When } from './common';
import { BRANCH_PARTS, InquiryBranches } from './InquiryBranches';

const STATES: Record<string, Text> = {
  applied: ['申請中', 'applied'],
  approved: ['承認済み', 'approved'],
  number_issued: ['承認番号発行済み', 'number issued'],
  held: ['回答保留中', 'answer held'],
  answered: ['回答済み', 'answered'],
};

// The record a search found, handed over by the records screen's
// "inquire" button: the form starts from it (read once, then cleared).
export const inquiryDraft = signal<{ dataset: string; record: string; purpose: string } | null>(null);

function Apply({ onDone }: { onDone: (id: string) => void }) {
  const [f, setF] = useState(() => {
    const from = inquiryDraft.value;
    inquiryDraft.value = null;
    return { dataset: from?.dataset ?? '', record: from?.record ?? '', purpose: from?.purpose ?? '', consent: '', branch_request: '' };
  });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { refused, attempt } = useRefusal();
  async function submit(e: Event) {
    e.preventDefault();
    // branch_request only when the inquiry answers a branch's request.
    const { branch_request, ...rest } = f;
    const q = await attempt(() => api<any>('POST', 'inquiries', branch_request ? f : rest));
    if (q) onDone(q.id);
  }
  return (
    <form onSubmit={submit} aria-labelledby="inquiry-apply-title">
      <h2 id="inquiry-apply-title">{t(['照会の申請', 'Apply for an inquiry'])}</h2>
      <Field label={['データセット名', 'Dataset']} name="dataset" required value={f.dataset} set={set('dataset')} />
      <Field label={['記録ID', 'Record ID']} name="record" required value={f.record} set={set('record')} />
      <Field label={['利用目的ID', 'Purpose ID']} name="purpose" required value={f.purpose} set={set('purpose')} />
      <Field label={['同意書の番号 (文書番号またはSHA-256)', 'Consent document reference (number or SHA-256)']}
        name="consent" required value={f.consent} set={set('consent')} />
      <Field label={['照会依頼ID (営業店の依頼による場合)', 'Branch request ID (when a branch requested it)']}
        name="branch_request" value={f.branch_request} set={set('branch_request')} />
      <button type="submit">{t(['申請する', 'Apply'])}</button>
      <Refusal problem={refused} />
    </form>
  );
}

// The inquiries, or the branch requests and reconciliation, or the daily
// inquiry lists: one part at a time, each asking the API only when shown.
export function Inquiries() {
  const [part, setPart] = useState('inquiries');
  return (
    <section aria-labelledby="inquiries-title">
      <h1 id="inquiries-title">{t(['照会', 'Inquiries'])}</h1>
      <p role="group" aria-label={t(['照会の表示', 'What to show'])}>
        {BRANCH_PARTS.map(([id, label]) => (
          <button key={id} type="button" class="tab" aria-pressed={part === id} onClick={() => setPart(id)}>{t(label)}</button>
        ))}
      </p>
      {part === 'inquiries' ? <InquiryList /> : <InquiryBranches part={part} />}
    </section>
  );
}

function InquiryList() {
  const { data, problem, reload } = useApi<any>('inquiries');
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const [applied, setApplied] = useState('');
  const [number, setNumber] = useState<{ id: string; value: string } | null>(null);
  const [entered, setEntered] = useState('');
  const [answer, setAnswer] = useState<any>(null);

  async function step(id: string, verb: 'approve' | 'issue-number' | 'release' | 'run', text: Text) {
    setDone('');
    setAnswer(null);
    const body = verb === 'run' && entered ? { approval_number: entered } : undefined;
    const r = await attempt(() => api<any>('POST', `inquiries/${encodeURIComponent(id)}/${verb}`, body));
    if (!r) return;
    if (verb === 'issue-number') setNumber({ id, value: r.approval_number ?? '' });
    setDone(t(text));
    reload();
  }
  async function read(id: string) {
    setDone('');
    const r = await attempt(() => api<any>('GET', `inquiries/${encodeURIComponent(id)}/answer`));
    if (r) setAnswer(r);
  }

  const list: any[] = data?.inquiries ?? [];
  return (
    <>
      <p class="help">
        {t(['照会者が申請・実行し、同じ部署の確認者が承認します。照会者と確認者は同じ人にはなれません。',
          'The operator applies and runs; a confirmer of the same department approves. The operator can never be the confirmer.'])}
      </p>
      <Refusal problem={problem ?? refused} />
      {done && <p role="status" data-testid="inquiry-done">{done}</p>}
      {applied && <p role="status" data-testid="inquiry-applied">{t(['申請しました', 'Applied'])}: {applied}</p>}
      {number && (
        <p role="status" data-testid="inquiry-number">
          {t([`照会 ${number.id} の承認番号 (一度だけ表示、10分間有効): `, `Approval number of ${number.id} (shown once, valid 10 minutes): `])}
          <strong>{number.value}</strong>
        </p>
      )}
      <Field label={['承認番号 (番号方式の実行時)', 'Approval number (to run a numbered inquiry)']} name="approval-number"
        inputMode="numeric" autoComplete="off" value={entered} set={setEntered} />
      <table data-testid="inquiries">
        <caption>{t(['照会の一覧', 'Inquiries'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['方式', 'Scheme'])}</th><th scope="col">{t(['状態', 'State'])}</th>
          <th scope="col">{t(['データセット', 'Dataset'])}</th><th scope="col">{t(['照会者', 'Operator'])}</th>
          <th scope="col">{t(['確認者', 'Confirmer'])}</th><th scope="col">{t(['申請日時', 'Applied'])}</th>
          <th scope="col">{t(['操作', 'Actions'])}</th>
        </tr></thead>
        <tbody>
          {list.map((q) => (
            <tr key={q.id} data-id={q.id} data-state={q.state}>
              <td>{q.id}</td><td>{q.scheme}</td><td>{t(STATES[q.state] ?? [q.state, q.state])}</td>
              <td>{q.dataset}</td><td>{q.operator_name || q.operator}</td><td>{q.confirmer_name || q.confirmer}</td>
              <td><When value={q.created_at} /></td>
              <td>
                {q.state === 'applied' && q.scheme === 'pre_approval' &&
                  <button type="button" onClick={() => void step(q.id, 'approve', ['承認しました', 'Approved'])}>{t(['承認', 'Approve'])}</button>}
                {q.state === 'applied' && q.scheme === 'one_time_number' &&
                  <button type="button" onClick={() => void step(q.id, 'issue-number', ['承認番号を発行しました', 'Number issued'])}>{t(['承認番号を発行', 'Issue a number'])}</button>}
                {q.state === 'held' &&
                  <button type="button" onClick={() => void step(q.id, 'release', ['回答を解放しました', 'Answer released'])}>{t(['回答を解放', 'Release the answer'])}</button>}
                {(q.state === 'applied' || q.state === 'approved' || q.state === 'number_issued') &&
                  <button type="button" onClick={() => void step(q.id, 'run', ['照会を実行しました', 'Inquiry run'])}>{t(['実行', 'Run'])}</button>}
                {q.state === 'answered' &&
                  <button type="button" onClick={() => void read(q.id)}>{t(['回答を見る', 'Read the answer'])}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && !problem && <p>{t(['照会はありません。', 'No inquiry.'])}</p>}
      {answer && (
        <dl data-testid="inquiry-answer">
          {Object.entries(answer.answer ?? {}).filter(([k]) => !k.startsWith('_')).map(([k, v]) => (
            <div key={k}><dt>{k}</dt><dd>{showValue(v)}</dd></div>
          ))}
        </dl>
      )}
      <Apply onDone={(id) => { setApplied(id); reload(); }} />
    </>
  );
}
