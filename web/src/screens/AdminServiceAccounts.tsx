// The administrator's changes to a service account: its client
// certificate replaced (by the new certificate's SHA-256 fingerprint; for
// an account holding rights the server asks for the approved request of
// the rights register) and its roles added or removed. The server decides
// each step and its refusal is shown as it words it.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { CredentialResetHelp, useAccountSteps } from './AdminUsers';
import { Choice, Field, Refusal } from './common';

export function ServiceAccountSteps({ accounts, onDone }: { accounts: any[]; onDone: () => void }) {
  const [who, setWho] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [request, setRequest] = useState('');
  const [role, setRole] = useState('');
  const { refused, done, step } = useAccountSteps('service-accounts', who, onDone);
  const none = !who;
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-labelledby="account-steps-title">
      <h3 id="account-steps-title">{t(['サービスアカウントの変更', 'Change a service account'])}</h3>
      <Choice label={['対象のアカウント', 'Account']} name="account" value={who} set={setWho}
        options={accounts.map((a) => [a.id, `${a.id} ${a.display_name ?? ''}`])} placeholder={['選択してください', 'Choose']} />
      <fieldset>
        <legend>{t(['クライアント証明書の更新', 'Replace the client certificate'])}</legend>
        <Field label={['新しい証明書の指紋 (SHA-256, 16進)', 'New certificate fingerprint (SHA-256, hex)']}
          value={fingerprint} set={setFingerprint} autoComplete="off" />
        <Field label={['証明書更新の承認済み申請ID (権限を持つアカウントの場合)', 'Approved request ID for the certificate (for an account holding rights)']}
          value={request} set={setRequest} />
        <button type="button" disabled={none || !fingerprint}
          onClick={() => void step(['証明書を更新しました', 'Certificate replaced'], 'PUT', '/certificate',
            request.trim() ? { cert_fingerprint: fingerprint.trim(), request: request.trim() } : { cert_fingerprint: fingerprint.trim() })}>
          {t(['更新する', 'Replace'])}
        </button>
        <CredentialResetHelp />
      </fieldset>
      <fieldset>
        <legend>{t(['ロール', 'Roles'])}</legend>
        <Field label={['ロールID', 'Role ID']} value={role} set={setRole} />
        <button type="button" disabled={none || !role}
          onClick={() => void step(['ロールを付与しました', 'Role added'], 'PUT', `/roles/${encodeURIComponent(role)}`)}>{t(['付与', 'Add'])}</button>{' '}
        <button type="button" disabled={none || !role}
          onClick={() => void step(['ロールを外しました', 'Role removed'], 'DELETE', `/roles/${encodeURIComponent(role)}`)}>{t(['解除', 'Remove'])}</button>
      </fieldset>
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="account-step-done">{done}</p>}
    </form>
  );
}
