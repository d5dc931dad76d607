// Read-only screens over one list of the API each (the audit events, the
// rights register): a table of what the API
// answers for this person, with an Excel-ready CSV of it.
import { era, lang, t, type Text } from '../i18n';
import { columnsOf, rowsOf, toCsv } from '../lib/csv';
import { displayValue } from '../lib/display';
import { Refusal, useApi } from './common';
import { PrintButton, PrintHeading } from './Print';

export interface BrowseSpec {
  id: string;
  label: Text;
  path: string;
  query?: Record<string, string>;
  note?: Text;
  // The columns to show and print, with their headings; otherwise the
  // members of the answer's rows.
  columns?: [string, Text][];
}

export const BROWSE: BrowseSpec[] = [
  { id: 'audit', label: ['監査ログ', 'Audit log'], path: 'audit/events', query: { limit: '100' },
    note: ['監査ログには識別子のみが記録されます (個人データは含まれません)。', 'The audit log holds identifiers only, no personal data.'] },
  { id: 'rights', label: ['アクセス権限管理簿', 'Rights register'], path: 'rights/register',
    columns: [['id', ['申請ID', 'Request']], ['kind', ['種類', 'Kind']], ['right', ['権限', 'Right']],
      ['person', ['対象者', 'Person']], ['requester', ['申請者', 'Requested by']], ['approver', ['承認者', 'Approved by']],
      ['configurer', ['設定者', 'Configured by']], ['effective_at', ['効力発生', 'Effective']]] },
];

function cell(v: unknown): string {
  return displayValue(v, era.value, lang.value);
}

export function saveCsv(name: string, cols: string[], rows: Record<string, unknown>[]) {
  const blob = new Blob([toCsv(cols, rows.map((r) => cols.map((c) => r[c])))], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${name}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function Browse({ spec }: { spec: BrowseSpec }) {
  const { data, problem } = useApi<unknown>(spec.path, spec.query, [spec.id]);
  const rows = rowsOf(data);
  const cols = spec.columns?.map(([c]) => c) ?? columnsOf(rows);
  return (
    <section aria-labelledby="browse-title">
      <h1 id="browse-title">{t(spec.label)}</h1>
      <PrintHeading title={spec.label} />
      {spec.note && <p class="help">{t(spec.note)}</p>}
      <Refusal problem={problem} />
      {data !== null && (
        <>
          <p>
            <button type="button" onClick={() => saveCsv(spec.id, cols, rows)}>{t(['CSV (Excel) で保存', 'Save as CSV (Excel)'])}</button>{' '}
            <PrintButton />{' '}
            <span role="status" data-testid="browse-count">{t([`${rows.length}件`, `${rows.length} row(s)`])}</span>
          </p>
          <RowsTable rows={rows} cols={cols} label={spec.label} testid={`browse-${spec.id}`} headings={spec.columns} />
        </>
      )}
    </section>
  );
}

// A table of rows as the API answered them (the first 500), scrolling
// sideways on a narrow screen.
export function RowsTable({ rows, cols, label, testid, headings }: {
  rows: Record<string, unknown>[]; cols: string[]; label: Text; testid: string; headings?: [string, Text][] | undefined;
}) {
  const heading = (c: string) => {
    const h = headings?.find(([k]) => k === c);
    return h ? t(h[1]) : c;
  };
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={t(label)}>
      <table data-testid={testid}>
        <caption class="sr-only">{t(label)}</caption>
        <thead><tr>{cols.map((c) => <th key={c} scope="col">{heading(c)}</th>)}</tr></thead>
        <tbody>
          {rows.slice(0, 500).map((r, i) => (
            <tr key={i}>{cols.map((c) => <td key={c}>{cell(r[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
