// The compliance report (準拠状況報告): on screen, and as HTML (A4), CSV
// (Excel, UTF-8 with BOM) or XLSX.
import { useState } from 'preact/hooks';
import { ApiError, download, type Problem } from '../api';
import { t, type Text } from '../i18n';
import { Refusal, useApi } from './common';

const STATUS: Record<string, Text> = {
  met: ['適合', 'met'], partly: ['一部適合', 'partly'], not_met: ['不適合', 'not met'], not_applicable: ['対象外', 'n/a'],
};

export function Report() {
  const { data, problem } = useApi<any>('reports/compliance');
  const [refused, setRefused] = useState<Problem | null>(null);
  const [saved, setSaved] = useState('');
  async function save(format: 'html' | 'csv' | 'xlsx') {
    try {
      await download('reports/compliance', { format }, `compliance.${format}`);
      setSaved(format);
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  const clauses: any[] = Array.isArray(data) ? data : (data?.clauses ?? []);
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">{t(['準拠状況報告', 'Compliance report'])}</h1>
      <Refusal problem={problem ?? refused} />
      <p>
        <button type="button" onClick={() => void save('html')}>{t(['HTML (A4印刷用)', 'HTML (for A4)'])}</button>{' '}
        <button type="button" onClick={() => void save('csv')}>CSV (Excel)</button>{' '}
        <button type="button" onClick={() => void save('xlsx')}>XLSX</button>
      </p>
      {saved && <p role="status" data-testid="report-saved">{t([`${saved} を保存しました`, `Saved ${saved}`])}</p>}
      {clauses.length > 0 && (
        <table data-testid="report">
          <caption>{t(['条項ごとの状況', 'Status by clause'])}</caption>
          <thead><tr>
            <th scope="col">{t(['出典', 'Source'])}</th><th scope="col">{t(['条項', 'Clause'])}</th>
            <th scope="col">{t(['状況', 'Status'])}</th><th scope="col">{t(['理由', 'Reason'])}</th>
          </tr></thead>
          <tbody>
            {clauses.slice(0, 200).map((c, i) => (
              <tr key={i}>
                <td>{c.source}</td><td>{c.clause}</td>
                <td>{t(STATUS[c.status] ?? [c.status, c.status])}</td><td>{typeof c.reason === 'string' ? c.reason : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
