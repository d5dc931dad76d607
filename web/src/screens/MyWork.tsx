// "My work": what the API says waits for the logged-on person. Each source
// is asked on its own; one the person may not read is simply not listed.
import { t, type Text } from '../i18n';
import { useApi } from './common';

function Count({ path, query, pick, label, href }: {
  path: string; query: Record<string, string>; pick: (d: any) => unknown[] | undefined; label: Text; href: string;
}) {
  const { data, problem } = useApi<any>(path, query);
  if (problem || !data) return null;
  const n = pick(data)?.length ?? 0;
  return (
    <li data-testid={`work-${path.replace(/\W/g, '-')}`}>
      <a href={href}>{t(label)}</a>: <strong>{n}</strong>
    </li>
  );
}

export function MyWork() {
  return (
    <section aria-labelledby="work-title">
      <h1 id="work-title">{t(['わたしの作業', 'My work'])}</h1>
      <ul class="work">
        <Count path="approvals" query={{ view: 'pending' }} pick={(d) => d.approvals}
          label={['承認待ちの申請', 'Requests awaiting my decision']} href="#/approvals" />
        <Count path="approvals" query={{ view: 'mine', state: 'pending' }} pick={(d) => d.approvals}
          label={['自分の申請 (審査中)', 'My requests under review']} href="#/approvals" />
        <Count path="inquiries" query={{ state: 'applied' }} pick={(d) => d.inquiries}
          label={['申請中の照会', 'Inquiries applied for']} href="#/inquiries" />
        <Count path="lists" query={{ state: 'pending' }} pick={(d) => d.lists}
          label={['未確認の確認リスト', 'Daily lists to confirm']} href="#/lists" />
        <Count path="findings" query={{}} pick={(d) => d.findings}
          label={['分析の指摘事項', 'Findings']} href="#/findings" />
        <Count path="reviews/overdue" query={{}} pick={(d) => d.items ?? d.reviews}
          label={['期限切れの見直し', 'Overdue reviews']} href="#/rights-flow" />
        <Count path="rights/requests" query={{}} pick={(d) => d.requests}
          label={['未完了の権限申請', 'Open rights requests']} href="#/rights-flow" />
        <Count path="takeouts" query={{ open: 'true' }} pick={(d) => d.takeouts}
          label={['確認待ちの持ち出し', 'Take-outs to confirm']} href="#/takeouts" />
        <Count path="incidents" query={{}} pick={(d) => d.incidents}
          label={['インシデント', 'Incidents']} href="#/work" />
      </ul>
    </section>
  );
}
