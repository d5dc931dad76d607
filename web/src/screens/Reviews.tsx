// Reviews of rights (定期的な権限の見直し, [003 II.5(4) C]): a campaign
// started by the CISO line (title, a department or everyone, the JST day it
// is due) lists each holder's rights for their manager, who confirms or
// revokes each item (a revocation takes effect at once, with its reason in
// the rights register). The server decides who may start a campaign and
// who decides which item; its refusals are shown as it words them.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { endOfJstDay } from '../lib/rights';
import { session } from '../session';
import { Field, Refusal, useApi, useRefusal, When } from './common';

const ITEM_STATES: Record<string, Text> = {
  pending: ['未了', 'pending'],
  confirmed: ['継続 (確認済)', 'confirmed'],
  revoked: ['取消し', 'revoked'],
};

function rightOf(i: any): string {
  if (i.role && !i.right) return `${t(['ロール', 'role'])}: ${i.role}`;
  const r = i.right ?? {};
  return [r.role, r.dataset, r.operation, r.purpose, r.department].filter(Boolean).join(' / ');
}

// Items with confirm and revoke (a revocation needs its reason).
function Items({ items, caption, testid, onDecided }: {
  items: any[]; caption: string; testid: string; onDecided: () => void;
}) {
  const { refused, attempt } = useRefusal();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState('');
  async function decide(i: any, how: 'confirm' | 'revoke') {
    setDone('');
    const body = how === 'revoke' ? { reason } : {};
    const path = `reviews/${encodeURIComponent(i.campaign)}/items/${encodeURIComponent(i.id)}/${how}`;
    if (await attempt(() => api('POST', path, body))) {
      setDone(t(how === 'revoke' ? ['取り消しました', 'Revoked'] : ['継続を確認しました', 'Confirmed']));
      onDecided();
    }
  }
  return (
    <>
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="review-done">{done}</p>}
      {items.some((i) => i.state === 'pending') && (
        <Field label={['取消しの理由', 'Reason for a revocation']} name={`${testid}-reason`} value={reason} set={setReason} />
      )}
      <table data-testid={testid}>
        <caption>{caption}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['キャンペーン', 'Campaign'])}</th><th scope="col">{t(['対象者', 'Person'])}</th>
          <th scope="col">{t(['権限', 'Right'])}</th><th scope="col">{t(['見直す人', 'Reviewer'])}</th>
          <th scope="col">{t(['期限', 'Due'])}</th><th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['決定', 'Decide'])}</th>
        </tr></thead>
        <tbody>
          {items.map((i) => (
            <tr key={`${i.campaign}/${i.id}`} data-id={i.id} data-state={i.state}>
              <td>{i.id}</td><td>{i.campaign}</td><td>{i.person}</td><td>{rightOf(i)}</td><td>{i.reviewer}</td>
              <td><When value={i.due} /></td><td>{ITEM_STATES[i.state] ? t(ITEM_STATES[i.state]!) : i.state}</td>
              <td>
                {i.state === 'pending' && (
                  <>
                    <button type="button" onClick={() => void decide(i, 'confirm')}>{t(['継続', 'Confirm'])}</button>{' '}
                    <button type="button" onClick={() => void decide(i, 'revoke')}>{t(['取消し', 'Revoke'])}</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

// One campaign's items (the server filters them by reviewer when asked).
function CampaignItems({ campaign, onDecided }: { campaign: string; onDecided: () => void }) {
  const [mine, setMine] = useState(false);
  const me = session.value?.principal.id ?? '';
  const query: Record<string, string> = mine ? { limit: '1000', reviewer: me } : { limit: '1000' };
  const { data, problem, reload } = useApi<any>(`reviews/${encodeURIComponent(campaign)}/items`, query, [campaign, mine]);
  const items: any[] = data?.items ?? [];
  return (
    <>
      <Refusal problem={problem} />
      <label>
        <input type="checkbox" class="inline" checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />{' '}
        {t(['自分が見直す項目のみ', 'Only the items I review'])}
      </label>
      <Items items={items} testid="review-items" onDecided={() => { reload(); onDecided(); }}
        caption={t([`キャンペーン ${campaign} の項目: ${items.length}件`, `Items of campaign ${campaign}: ${items.length}`])} />
    </>
  );
}

// The form that starts a campaign; `started` is the one it started last.
function Start({ started, onStarted }: { started: string; onStarted: (id: string) => void }) {
  const [f, setF] = useState({ title: '', department: '', due: jstDayAhead(14) });
  const { refused, attempt } = useRefusal();
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  async function submit(e: Event) {
    e.preventDefault();
    const body: Record<string, string> = { title: f.title, due: endOfJstDay(f.due) };
    if (f.department.trim()) body['department'] = f.department.trim();
    const c = await attempt(() => api('POST', 'reviews', body));
    onStarted(c?.id ?? '');
  }
  return (
    <form onSubmit={submit} class="search" aria-labelledby="review-start-title">
      <h3 id="review-start-title">{t(['見直しの開始', 'Start a review'])}</h3>
      <p class="help">{t(['最高情報セキュリティ責任者等が開始し、各保有者の上長が項目ごとに継続か取消しを決めます。',
        "Started by the CISO line; each holder's manager confirms or revokes each item."])}</p>
      <Field label={['件名', 'Title']} name="review-title" required value={f.title} set={set('title')} />
      <Field label={['対象部署 (空欄は全部署)', 'Department (empty: everyone)']} name="review-department" value={f.department} set={set('department')} />
      <Field label={['見直しの期限 (JST)', 'Due (JST)']} name="review-due" type="date" required value={f.due} set={set('due')} />
      <button type="submit">{t(['見直しを開始', 'Start the review'])}</button>
      {started && <p role="status" data-testid="review-started">{t([`開始しました: ${started}`, `Started: ${started}`])}</p>}
      <Refusal problem={refused} />
    </form>
  );
}

// A campaign with items still pending past its due time (the API gives
// the due time and the pending count; its overdue items come from
// GET /v1/reviews/overdue).
function late(c: { due?: string; pending?: number }): boolean {
  return (c.pending ?? 0) > 0 && !!c.due && Date.parse(c.due) < Date.now();
}

// Review campaigns, the items past their due date, one campaign's items.
export function Reviews() {
  const [started, setStarted] = useState('');
  const campaigns = useApi<any>('reviews', undefined, [started]);
  const overdue = useApi<any>('reviews/overdue');
  const [open, setOpen] = useState('');
  const cs: any[] = campaigns.data?.campaigns ?? [];
  const items: any[] = overdue.data?.items ?? [];
  const reload = () => { campaigns.reload(); overdue.reload(); };
  return (
    <>
      <h2 id="reviews-title">{t(['権限の見直し', 'Rights reviews'])}</h2>
      <Refusal problem={campaigns.problem} />
      <table data-testid="reviews">
        <caption>{t(['見直しキャンペーン', 'Review campaigns'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['件名', 'Title'])}</th><th scope="col">{t(['期限', 'Due'])}</th>
          <th scope="col">{t(['対象', 'Items'])}</th><th scope="col">{t(['未了', 'Pending'])}</th><th scope="col">{t(['期限超過', 'Overdue'])}</th>
          <th scope="col">{t(['項目', 'Items'])}</th>
        </tr></thead>
        <tbody>
          {cs.map((c) => (
            <tr key={c.id} data-id={c.id} class={late(c) ? 'overdue' : undefined}>
              <td>{c.id}</td><td>{c.title}</td><td><When value={c.due} /></td><td>{c.items}</td><td>{c.pending}</td>
              <td>{late(c) ? t(['期限超過', 'overdue']) : ''}</td>
              <td><button type="button" onClick={() => setOpen(c.id)} aria-pressed={open === c.id}>{t(['項目を開く', 'Open items'])}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <div data-testid="campaign-items"><CampaignItems campaign={open} onDecided={reload} /></div>}
      <Refusal problem={overdue.problem} />
      <Items items={items} testid="reviews-overdue" onDecided={reload}
        caption={t([`期限を過ぎた見直し項目: ${items.length}件`, `Overdue review items: ${items.length}`])} />
      <Start started={started} onStarted={setStarted} />
    </>
  );
}
