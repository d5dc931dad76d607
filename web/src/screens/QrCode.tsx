// A QR code as an SVG drawn from memory (lib/qr.ts): a labelled image, dark
// modules on white with the quiet zone, sized by the style sheet.
import { t, type Text } from '../i18n';
import { qrPicture } from '../lib/qr';

export function QrCode({ text, label }: { text: string; label: Text }) {
  const pic = qrPicture(text);
  return (
    <svg class="qr" role="img" aria-label={t(label)} data-testid="qr-code" data-modules={pic.size}
      viewBox={`0 0 ${pic.extent} ${pic.extent}`} xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">
      <rect width={pic.extent} height={pic.extent} fill="#fff" />
      <path d={pic.path} fill="#000" />
    </svg>
  );
}
