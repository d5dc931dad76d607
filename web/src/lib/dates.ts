// Dates as a Japanese office reads them: always Japan Standard Time (UTC+9,
// no daylight saving), in 和暦 (the Japanese era) or 西暦 (the Gregorian
// year) as the user chooses. Computed by arithmetic rather than Intl, so the
// answer does not depend on the browser's locale data or time zone.

export type EraStyle = 'wareki' | 'seireki';
export type Lang = 'ja' | 'en';

export interface JstParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export function toJst(date: Date): JstParts {
  const t = new Date(date.getTime() + JST_OFFSET_MS);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
  };
}

// The JST day `days` after today, as YYYY-MM-DD (what the API's dates take).
export function jstDayAhead(days: number, now = Date.now()): string {
  const d = toJst(new Date(now + days * 86_400_000));
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

interface Era {
  ja: string;
  en: string;
  // First day of the era (JST), as yyyymmdd.
  start: number;
  startYear: number;
}

// Newest first. Before 明治6年 (the solar calendar) dates are shown in 西暦.
const ERAS: Era[] = [
  { ja: '令和', en: 'Reiwa', start: 20190501, startYear: 2019 },
  { ja: '平成', en: 'Heisei', start: 19890108, startYear: 1989 },
  { ja: '昭和', en: 'Showa', start: 19261225, startYear: 1926 },
  { ja: '大正', en: 'Taisho', start: 19120730, startYear: 1912 },
  { ja: '明治', en: 'Meiji', start: 18730101, startYear: 1868 },
];

// The era and the year within it, or undefined before 1873.
export function wareki(
  year: number,
  month: number,
  day: number,
): { era: string; eraEn: string; year: number } | undefined {
  const key = year * 10000 + month * 100 + day;
  for (const e of ERAS) {
    if (key >= e.start) return { era: e.ja, eraEn: e.en, year: year - e.startYear + 1 };
  }
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

// A calendar date: 令和8年12月7日 / 2026年12月7日 / Reiwa 8 (2026)-12-07 /
// 2026-12-07.
export function formatDateParts(p: JstParts, era: EraStyle, lang: Lang): string {
  const w = era === 'wareki' ? wareki(p.year, p.month, p.day) : undefined;
  if (lang === 'ja') {
    const y = w ? `${w.era}${w.year === 1 ? '元' : w.year}年` : `${p.year}年`;
    return `${y}${p.month}月${p.day}日`;
  }
  const y = w ? `${w.eraEn} ${w.year} (${p.year})` : `${p.year}`;
  return `${y}-${pad(p.month)}-${pad(p.day)}`;
}

// An instant from the API (RFC 3339, UTC) in JST; '' for null or a string
// that is not a time.
export function formatDateTime(
  value: string | null | undefined,
  era: EraStyle,
  lang: Lang,
): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const p = toJst(d);
  return `${formatDateParts(p, era, lang)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} JST`;
}

// A civil date from the API (YYYY-MM-DD, no time zone).
export function formatCivilDate(value: string | null | undefined, era: EraStyle, lang: Lang) {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) return value ?? '';
  const parts = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 0, minute: 0, second: 0 };
  return formatDateParts(parts, era, lang);
}

// 1234567 → "1,234,567"; with yen, "1,234,567円" / "¥1,234,567".
export function formatNumber(n: number, lang: Lang, yen = false): string {
  const s = Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (!yen) return s;
  return lang === 'ja' ? `${s}円` : `¥${s}`;
}
