// The forced password change (first log-on, expiry, an administrator's
// reset): each rule shown met or unmet as the user types [003 II.5(2)].
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { lang, problemText, t } from '../i18n';
import { checkPassword, type PasswordRules } from '../lib/password';
import { refreshSession, session } from '../session';
import { useSignal } from '../signal';
import { Field } from './common';

const DEFAULT_RULES: PasswordRules = { min_length: 12, min_classes: 3 };

export function PasswordChange() {
  useSignal(lang);
  const [rules, setRules] = useState(DEFAULT_RULES);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    // Readable once the password is changed; until then the defaults.
    api('GET', 'policy/identity').then(
      (p) => setRules({ min_length: p.min_length ?? 12, min_classes: p.min_classes ?? 3 }),
      () => undefined,
    );
  }, []);
  const states = checkPassword(next, confirm, rules);
  const ok = states.every((s) => s.ok) && current.length > 0;

  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    try {
      await api('POST', 'auth/password', { current, new: next });
      // The restriction lifted, the session's operations as the server
      // allows them now, before the shell shows the navigation.
      await refreshSession().catch(() => undefined);
      const s = session.value;
      if (s) session.value = { ...s, mustChangePassword: false };
    } catch (err) {
      setError(err instanceof ApiError ? problemText(err.problem) : String(err));
    }
  }

  return (
    <main class="login" id="main">
      <h1>{t(['パスワードの変更', 'Change your password'])}</h1>
      <p>{t(['ご利用の前にパスワードを変更してください。', 'Change your password before you continue.'])}</p>
      <form onSubmit={submit}>
        <Field label={['現在のパスワード', 'Current password']} type="password" name="current"
          autocomplete="current-password" required value={current} set={setCurrent} />
        <Field label={['新しいパスワード', 'New password']} type="password" name="new"
          autocomplete="new-password" required aria-describedby="password-rules" value={next} set={setNext} />
        <Field label={['新しいパスワード (確認)', 'New password (again)']} type="password" name="confirm"
          autocomplete="new-password" required value={confirm} set={setConfirm} />
        <ul id="password-rules" class="rules" aria-live="polite">
          {states.map((s) => (
            <li key={s.id} class={s.ok ? 'ok' : 'ng'} data-rule={s.id} data-ok={String(s.ok)}>
              <span aria-hidden="true">{s.ok ? '✓' : '✗'}</span>{' '}
              {t([s.ja, s.en])}
              <span class="sr-only">{s.ok ? t(['(満たしています)', '(met)']) : t(['(未達)', '(not met)'])}</span>
            </li>
          ))}
          <li data-rule="history">
            {t([
              '過去に使ったパスワードやそれに似たものは使えません (サーバが確認します)。',
              'Earlier passwords, and ones close to them, are refused (the server checks).',
            ])}
          </li>
        </ul>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={!ok}>{t(['変更する', 'Change'])}</button>
      </form>
    </main>
  );
}
