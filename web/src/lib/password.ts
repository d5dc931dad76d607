// The password rules of the identity policy (GET /v1/policy/identity:
// min_length, min_classes), checked as the user types so each rule can be
// shown met or unmet in Japanese and English. The server decides; this only
// explains [003 II.5(2)].

export interface PasswordRules {
  min_length: number;
  min_classes: number;
}

export interface RuleState {
  id: 'length' | 'classes' | 'match';
  ok: boolean;
  ja: string;
  en: string;
}

export function characterClasses(pw: string): number {
  let lower = false,
    upper = false,
    digit = false,
    symbol = false;
  for (const ch of pw) {
    if (/\p{Ll}/u.test(ch)) lower = true;
    else if (/\p{Lu}/u.test(ch)) upper = true;
    else if (/\p{Nd}/u.test(ch)) digit = true;
    else symbol = true;
  }
  return [lower, upper, digit, symbol].filter(Boolean).length;
}

export function checkPassword(pw: string, confirm: string, rules: PasswordRules): RuleState[] {
  const length = [...pw].length;
  const classes = characterClasses(pw);
  return [
    {
      id: 'length',
      ok: length >= rules.min_length,
      ja: `${rules.min_length}文字以上 (現在 ${length}文字)`,
      en: `at least ${rules.min_length} characters (now ${length})`,
    },
    {
      id: 'classes',
      ok: classes >= rules.min_classes,
      ja: `英小文字・英大文字・数字・記号のうち${rules.min_classes}種類以上 (現在 ${classes}種類)`,
      en: `${rules.min_classes} or more of lower case, upper case, digits, symbols (now ${classes})`,
    },
    {
      id: 'match',
      ok: pw.length > 0 && pw === confirm,
      ja: '確認用と一致している',
      en: 'the confirmation matches',
    },
  ];
}
