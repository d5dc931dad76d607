// A QR code of a short text (the otpauth URI of a TOTP enrolment) as the
// SVG path of its dark modules, drawn in the browser from memory: no image
// is fetched, and no inline script or style is needed (the console's CSP).
// The encoder is qrcode-generator (npm, MIT, no dependencies); error
// correction level M, the smallest version that holds the text.
import qrcode from 'qrcode-generator';

export interface QrPicture {
  // Modules per side, without the quiet zone.
  size: number;
  // The dark modules as one SVG path in module units, offset by `margin`.
  path: string;
  // Modules per side with the quiet zone (the SVG viewBox).
  extent: number;
}

// The four-module quiet zone the standard asks for around the symbol.
export const QUIET_ZONE = 4;

export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const rows: boolean[][] = [];
  for (let r = 0; r < n; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < n; c++) row.push(qr.isDark(r, c));
    rows.push(row);
  }
  return rows;
}

// One run of dark modules in a row is one rectangle "M x y h w v 1 h -w z".
export function qrPicture(text: string, margin = QUIET_ZONE): QrPicture {
  const modules = qrModules(text);
  const parts: string[] = [];
  modules.forEach((row, y) => {
    for (let x = 0; x < row.length; ) {
      if (!row[x]) {
        x++;
        continue;
      }
      let w = 1;
      while (row[x + w]) w++;
      parts.push(`M${x + margin} ${y + margin}h${w}v1h-${w}z`);
      x += w;
    }
  });
  return { size: modules.length, path: parts.join(''), extent: modules.length + 2 * margin };
}
