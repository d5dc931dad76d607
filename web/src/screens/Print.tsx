// Printable A4 views (registers, the daily list, the rights register): the
// browser's own print of the screen, with the print style sheet
// (styles.css, @media print: @page A4, no navigation or forms) and a line
// saying what was printed and when (JST), as a paper register carries.
import { lang, t, type Text } from '../i18n';
import { useSignal } from '../signal';
import { When } from './common';

export function PrintButton() {
  useSignal(lang);
  return (
    <button type="button" class="no-print" onClick={() => print()}>
      {t(['印刷', 'Print'])}
    </button>
  );
}

// The heading a printed page carries (hidden on screen).
export function PrintHeading({ title }: { title: Text }) {
  return (
    <p class="print-only" data-testid="print-heading">
      {t(title)} — {t(['印刷日時: ', 'Printed: '])}
      <When value={new Date().toISOString()} />
    </p>
  );
}
