// Japanese by default, English one click away. Each text is a pair; the
// console shows the chosen language and keeps the other as a tooltip-free
// fallback (no text is only in one language).
import { signal } from './signal';
import type { EraStyle, Lang } from './lib/dates';

export const lang = signal<Lang>('ja');
export const era = signal<EraStyle>('wareki');

export type Text = readonly [ja: string, en: string];
export const t = (text: Text) => (lang.value === 'ja' ? text[0] : text[1]);

// A problem from the API in the chosen language (or in `l`).
export function problemText(p: { detail: string; detail_ja: string; title: string; title_ja: string }, l: Lang = lang.value) {
  return l === 'ja'
    ? `${p.title_ja}: ${p.detail_ja}`
    : `${p.title}: ${p.detail}`;
}
