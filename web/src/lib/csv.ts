// Tables as Excel opens them without a wizard: UTF-8 with a byte-order
// mark, CRLF line ends, every field quoted when it holds a comma, a quote or
// a line end. A field that a spreadsheet would read as a formula (= + - @)
// is prefixed with an apostrophe, so an exported value can never run.

export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

// The rows of an API answer: the first array member of the object (or the
// answer itself when it is an array).
export function rowsOf(answer: unknown): Record<string, unknown>[] {
  if (Array.isArray(answer)) return answer as Record<string, unknown>[];
  if (answer && typeof answer === 'object') {
    for (const v of Object.values(answer)) if (Array.isArray(v)) return v as Record<string, unknown>[];
  }
  return [];
}

// The columns to show: the members of the first rows, in their order.
export function columnsOf(rows: Record<string, unknown>[], max = 10): string[] {
  const cols: string[] = [];
  for (const r of rows.slice(0, 20)) {
    for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  }
  return cols.slice(0, max);
}
