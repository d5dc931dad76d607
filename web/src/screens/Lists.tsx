// Daily reconciliation lists (アクセス記録の確認リスト): confirm, with the
// server deciding who may (never someone who accessed the data).
import { useState } from 'preact/hooks';
import { api, ApiError, download, type Problem } from '../api';
import { t } from '../i18n';
import { Day, Refusal, useApi } from './common';
import { PrintButton, PrintHeading } from './Print';

export function Lists() {
  const { data, problem, reload } = useApi<any>('lists', { state: 'pending' });
  const [refused, setRefused] = useState<Problem | null>(null);
  const [done, setDone] = useState('');
  async function confirm(id: string) {
    setRefused(null);
    try {
      await api('POST', `lists/${encodeURIComponent(id)}/confirm`, {});
      setDone(t(['確認しました', 'Confirmed']));
      reload();
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  const lists: any[] = data?.lists ?? [];
  return (
    <section aria-labelledby="lists-title">
      <h1 id="lists-title">{t(['確認リスト', 'Daily lists'])}</h1>
      <PrintHeading title={['確認リスト', 'Daily lists']} />
      <Refusal problem={problem ?? refused} />
      {done && <p role="status" data-testid="list-done">{done}</p>}
      <button type="button" onClick={() => void download('lists', { format: 'csv' }, 'lists.csv')}>
        {t(['CSV (Excel) で保存', 'Save as CSV (Excel)'])}
      </button>{' '}
      <PrintButton />
      {data && <table data-testid="lists">
        <caption>{t(['未確認のリスト', 'Lists to confirm'])}</caption>
        <thead><tr>
          <th scope="col">{t(['営業日', 'Business day'])}</th><th scope="col">{t(['データセット', 'Dataset'])}</th>
          <th scope="col">{t(['アクセス', 'Accessed'])}</th><th scope="col">{t(['期限', 'Due'])}</th>
          <th scope="col">{t(['操作', 'Actions'])}</th>
        </tr></thead>
        <tbody>
          {lists.map((l) => (
            <tr key={l.id} data-id={l.id}>
              <td><Day value={l.date} /></td><td>{l.dataset}</td>
              <td>{l.accessed ? t(['あり', 'yes']) : t(['なし', 'none'])}</td>
              <td><Day value={l.due} /></td>
              <td><button type="button" onClick={() => void confirm(l.id)}>{t(['確認', 'Confirm'])}</button></td>
            </tr>
          ))}
        </tbody>
      </table>}
      {lists.length === 0 && !problem && <p>{t(['未確認のリストはありません。', 'No list to confirm.'])}</p>}
    </section>
  );
}
