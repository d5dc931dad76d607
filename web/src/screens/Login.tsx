// Log-on: ID, password and, where the rules require it, the authenticator
// code — sent together, because the server never says which of them was
// wrong (docs/SERVER.md "The logon answers").
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { problemText, t } from '../i18n';
import { endReason, login } from '../session';
import { useSignal } from '../signal';
import { Field } from './common';

const REASONS = {
  idle: ['一定時間操作がなかったため、自動的にログオフしました。再度ログオンしてください。', 'You were logged off after a period without activity. Please log on again.'],
  logout: ['ログオフしました。', 'You have logged off.'],
  everywhere: ['すべての端末のセッションを終了し、ログオフしました。', 'Your sessions on every terminal have ended; you are logged off.'],
  expired: ['セッションが終了しました。再度ログオンしてください。', 'The session has ended. Please log on again.'],
} as const;

export function Login() {
  const reason = useSignal(endReason);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await login(user.trim(), password, totp.trim());
    } catch (err) {
      setError(err instanceof ApiError ? problemText(err.problem) : String(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login" id="main">
      <h1>{t(['mamori ログオン', 'mamori log-on'])}</h1>
      {reason && (
        <p class="notice" role="status" data-testid="end-reason">
          {t(REASONS[reason])}
        </p>
      )}
      <form onSubmit={submit} aria-describedby="login-help">
        <Field label={['利用者ID', 'User ID']} name="user" autocomplete="username" required
          value={user} set={setUser} />
        <Field label={['パスワード', 'Password']} name="password" type="password"
          autocomplete="current-password" required value={password} set={setPassword} />
        <Field label={['ワンタイムパスワード (必要な場合)', 'Authenticator code (where required)']}
          name="totp" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"
          value={totp} set={setTotp} />
        <p id="login-help" class="help">
          {t([
            '管理者・CISO 等の役割、または管理区域外の端末からは、ワンタイムパスワードが必要です。',
            'Administrators, the CISO line, and terminals outside the controlled area need the authenticator code.',
          ])}
        </p>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{t(['ログオン', 'Log on'])}</button>
      </form>
    </main>
  );
}
