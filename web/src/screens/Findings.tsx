// Findings of the analysis of access records (アクセス記録の分析の指摘):
// review, then explain (a legitimate reason, kept in the finding's
// history, never in the audit log) or escalate (to an incident). The
// server decides who may take which step — never the person a finding is
// about, only its owner, the department officer, the CISO line or SIRT —
// and in which order; its refusal is shown as it words it.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { Day, Field, Refusal, useApi, useRefusal, When } from './common';

const STATUS: Record<string, Text> = {
  new: ['未対応', 'new'],
  under_review: ['確認中', 'under review'],
  explained: ['説明済み', 'explained'],
  escalated: ['エスカレート済み', 'escalated'],
};

export function Findings() {
  const { data, problem, reload } = useApi<any>('findings');
  const { refused, attempt } = useRefusal();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState('');

  async function step(id: string, verb: 'review' | 'explain' | 'escalate', text: Text) {
    setDone('');
    const body = verb === 'review' ? {} : { reason };
    const r = await attempt(() => api('POST', `findings/${encodeURIComponent(id)}/${verb}`, body));
    if (r === undefined) return;
    setDone(t(text));
    reload();
  }

  const list: any[] = (data?.findings ?? []).filter((f: any) => f.status === 'new' || f.status === 'under_review');
  return (
    <section aria-labelledby="findings-title">
      <h1 id="findings-title">{t(['分析の指摘事項', 'Findings'])}</h1>
      <p class="help">
        {t(['確認を始めてから、正当な理由を説明するか、インシデントとしてエスカレートします。自分に関する指摘は扱えません。',
          'Review first, then explain a legitimate reason or escalate to an incident. Nobody handles a finding about themselves.'])}
      </p>
      <Refusal problem={problem ?? refused} />
      {done && <p role="status" data-testid="finding-done">{done}</p>}
      <Field label={['理由 (説明・エスカレート)', 'Reason (explain, escalate)']} name="finding-reason" value={reason} set={setReason} />
      <table data-testid="findings">
        <caption>{t(['対応中の指摘', 'Open findings'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['内容', 'Rule'])}</th><th scope="col">{t(['重大度', 'Severity'])}</th>
          <th scope="col">{t(['データセット', 'Dataset'])}</th><th scope="col">{t(['状態', 'Status'])}</th>
          <th scope="col">{t(['期限', 'Due'])}</th><th scope="col">{t(['検出', 'Raised'])}</th><th scope="col">{t(['操作', 'Actions'])}</th>
        </tr></thead>
        <tbody>
          {list.map((f) => (
            <tr key={f.id} data-id={f.id} data-status={f.status}>
              <td>{f.id}</td><td>{t([f.title_ja || f.rule, f.rule])}</td><td>{f.severity}</td><td>{f.dataset}</td>
              <td>{t(STATUS[f.status] ?? [f.status, f.status])}</td><td><Day value={f.due} /></td><td><When value={f.created_at} /></td>
              <td>
                {f.status === 'new' &&
                  <button type="button" onClick={() => void step(f.id, 'review', ['確認を開始しました', 'Review started'])}>{t(['確認開始', 'Review'])}</button>}{' '}
                <button type="button" onClick={() => void step(f.id, 'explain', ['説明を記録しました', 'Explanation recorded'])}>{t(['説明', 'Explain'])}</button>{' '}
                <button type="button" onClick={() => void step(f.id, 'escalate', ['エスカレートしました', 'Escalated'])}>{t(['エスカレート', 'Escalate'])}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && !problem && <p>{t(['対応中の指摘はありません。', 'No open finding.'])}</p>}
    </section>
  );
}
