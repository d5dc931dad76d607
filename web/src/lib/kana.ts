// What a person types into a search box, as the server compares it: NFKC
// (half-width katakana and full-width letters and digits become ordinary),
// hiragana as katakana, runs of spaces (also the full-width space) as one.
// The server normalises the same way (docs/ENGINE.md); doing it here as
// well shows the user what is searched for.

export function normalizeWidth(s: string): string {
  return s.normalize('NFKC');
}

export function hiraganaToKatakana(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // ぁ (U+3041) .. ゖ (U+3096), and ゝゞ (U+309D, U+309E).
    if ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e) {
      out += String.fromCodePoint(c + 0x60);
    } else {
      out += ch;
    }
  }
  return out;
}

export function normalizeKana(s: string): string {
  return hiraganaToKatakana(normalizeWidth(s)).replace(/\s+/gu, ' ').trim();
}

// A name as the server's name fields compare it: NFKC, spaces collapsed.
export function normalizeName(s: string): string {
  return normalizeWidth(s).replace(/\s+/gu, ' ').trim();
}

// Whether the text is kana only (after normalisation): the search then uses
// the reading (フリガナ) field.
export function isKana(s: string): boolean {
  const n = normalizeKana(s);
  return n.length > 0 && /^[\u30a0-\u30ff\u3000 ]+$/u.test(n);
}
