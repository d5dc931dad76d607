// Enrolment of the authenticator (TOTP, RFC 6238 with HMAC-SHA-256) for a
// person whose roles require it: the server shows the secret once; the
// first code confirms it. Until then the session reaches only /v1/auth.
import { useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { lang, t } from '../i18n';
import { refreshSession, session } from '../session';
import { useSignal } from '../signal';
import { Field, Refusal } from './common';
import { QrCode } from './QrCode';

export function TotpEnrol() {
  useSignal(lang);
  const [secret, setSecret] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  async function run(step: () => Promise<void>) {
    setProblem(null);
    try {
      await step();
    } catch (err) {
      if (err instanceof ApiError) setProblem(err.problem);
    }
  }
  const start = () => run(async () => setSecret(await api('POST', 'auth/totp')));
  const confirm = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', 'auth/totp/confirm', { code: code.trim() });
      await refreshSession().catch(() => undefined);
      const s = session.value;
      if (s) session.value = { ...s, totpEnrolmentRequired: false };
    });
  };

  return (
    <main class="login" id="main">
      <h1>{t(['ワンタイムパスワードの登録', 'Enrol your authenticator'])}</h1>
      <p>
        {t([
          'あなたの役割では、ログオンにワンタイムパスワード (認証アプリ) が必要です。登録するまで他の画面は使えません。',
          'Your roles need an authenticator code at log-on. Nothing else is available until you enrol.',
        ])}
      </p>
      {!secret && (
        <button type="button" onClick={() => void start()}>{t(['登録を始める', 'Start enrolment'])}</button>
      )}
      {secret && (
        <form onSubmit={confirm}>
          <p>{t(['認証アプリで次のQRコードを読み取るか、鍵を入力してください (この画面でのみ表示されます):',
            'Scan this QR code with your authenticator app, or type the key (shown only here):'])}</p>
          <QrCode text={secret.otpauth_uri} label={['認証アプリに登録するQRコード', 'QR code for your authenticator app']} />
          <p><code data-testid="totp-secret">{secret.secret}</code></p>
          <p class="help"><code>{secret.otpauth_uri}</code></p>
          <Field label={['認証アプリに表示された6桁のコード', 'The 6-digit code the app shows']} name="code"
            inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value={code} set={setCode} />
          <button type="submit">{t(['登録する', 'Enrol'])}</button>
        </form>
      )}
      <Refusal problem={problem} />
    </main>
  );
}
