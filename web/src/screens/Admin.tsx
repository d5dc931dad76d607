// Administration (管理): people, terminals, service accounts and the
// identity policy, one part at a time. Each part is what the API answers
// this person: a part the API refuses shows the refusal explained (a
// handler opening the screen learns that it is for administrators) and
// none of its forms.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { lang, t, type Text } from '../i18n';
import { rowsOf } from '../lib/csv';
import { useSignal } from '../signal';
import { Refusal, useApi, useRefusal } from './common';
import { bodyOf, initial, Inputs, type Input } from './FormInputs';
import { AdminRefusal, Users } from './AdminUsers';
import { ServiceAccountSteps } from './AdminServiceAccounts';
import { TerminalEdit } from './TerminalEdit';
import { administers } from '../lib/nav';
import { session } from '../session';
import { useJsonText } from './JsonText';

const PARTS: [string, Text][] = [
  ['users', ['利用者', 'People']],
  ['terminals', ['端末', 'Terminals']],
  ['service-accounts', ['サービスアカウント', 'Service accounts']],
  ['policy', ['認証ポリシー', 'Identity policy']],
];

// Terminals (登録端末) or service accounts: the list, enable/disable each.
function Accounts({ path, label }: { path: 'terminals' | 'service-accounts'; label: Text }) {
  const { data, problem, reload } = useApi<any>(path, { limit: '500' });
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function step(id: string, how: 'enable' | 'disable') {
    setDone('');
    if ((await attempt(() => api('POST', `${path}/${encodeURIComponent(id)}/${how}`, {}))) !== undefined) {
      setDone(t(how === 'enable' ? ['有効にしました', 'Enabled'] : ['無効にしました', 'Disabled']));
      reload();
    }
  }
  const rows = rowsOf(data) as any[];
  const admin = administers(useSignal(session)?.operations ?? []);
  return (
    <>
      <AdminRefusal problem={problem} />
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="account-done">{done}</p>}
      {data && (
        <table data-testid={path}>
          <caption>{t(label)}</caption>
          <thead><tr>
            <th scope="col">ID</th><th scope="col">{t(['説明', 'Description'])}</th>
            <th scope="col">{t(['証明書の指紋 (SHA-256)', 'Certificate fingerprint (SHA-256)'])}</th>
            <th scope="col">{path === 'terminals' ? t(['管理区域', 'Controlled area']) : t(['ロール', 'Roles'])}</th>
            <th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['操作', 'Actions'])}</th>
          </tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-id={r.id} data-state={r.state}>
                <td>{r.id}</td><td>{r.description ?? r.display_name}</td>
                <td class="hash">{r.fingerprint ?? r.cert_fingerprint}</td>
                <td>{path === 'terminals' ? t(r.controlled_area ? ['内', 'inside'] : ['外', 'outside']) : (r.roles ?? []).join(', ')}</td>
                <td>{r.state === 'active' ? t(['有効', 'active']) : t(['無効', 'disabled'])}</td>
                <td>
                  {r.state === 'active'
                    ? <button type="button" onClick={() => void step(r.id, 'disable')}>{t(['無効にする', 'Disable'])}</button>
                    : <button type="button" onClick={() => void step(r.id, 'enable')}>{t(['有効にする', 'Enable'])}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && path === 'service-accounts' && admin && <ServiceAccountSteps accounts={rows} onDone={reload} />}
      {data && path === 'terminals' && <TerminalEdit terminals={rows} onDone={reload} />}
      {data && <NewAccount path={path} onDone={reload} />}
    </>
  );
}

// Registering a terminal or a service account, by its certificate's
// SHA-256 fingerprint.
const NEW: Record<'terminals' | 'service-accounts', { title: Text; inputs: Input[] }> = {
  terminals: { title: ['端末の登録', 'Register a terminal'], inputs: [
    { name: 'id', label: ['端末ID', 'Terminal ID'] },
    { name: 'fingerprint', label: ['クライアント証明書の指紋 (SHA-256, 16進)', 'Client certificate fingerprint (SHA-256, hex)'] },
    { name: 'description', label: ['説明', 'Description'], optional: true },
    { name: 'controlled_area', label: ['管理区域内の端末', 'Inside the controlled area'], kind: 'bool' }] },
  'service-accounts': { title: ['サービスアカウントの登録', 'Register a service account'], inputs: [
    { name: 'id', label: ['アカウントID', 'Account ID'] },
    { name: 'display_name', label: ['名称', 'Name'] },
    { name: 'cert_fingerprint', label: ['クライアント証明書の指紋 (SHA-256, 16進)', 'Client certificate fingerprint (SHA-256, hex)'] },
    { name: 'roles', label: ['ロール (カンマ区切り)', 'Roles (comma-separated)'], kind: 'list', optional: true }] },
};

function NewAccount({ path, onDone }: { path: 'terminals' | 'service-accounts'; onDone: () => void }) {
  const spec = NEW[path];
  const [values, setValues] = useState(initial(spec.inputs));
  const { refused, attempt } = useRefusal();
  async function add(e: Event) {
    e.preventDefault();
    if ((await attempt(() => api('POST', path, bodyOf(spec.inputs, values)))) !== undefined) onDone();
  }
  return (
    <form onSubmit={(e) => void add(e)} aria-labelledby="account-add-title">
      <h3 id="account-add-title">{t(spec.title)}</h3>
      <Inputs inputs={spec.inputs} values={values} set={setValues} />
      <button type="submit">{t(['登録する', 'Register'])}</button>
      <Refusal problem={refused} />
    </form>
  );
}

// What each member of the identity policy is (identity/identity_policy.h).
const POLICY: Record<string, Text> = {
  min_length: ['パスワードの最小文字数', 'Minimum password length'],
  min_classes: ['必要な文字種の数', 'Character classes required'],
  history: ['再利用できない過去のパスワード数', 'Earlier passwords that may not be reused'],
  expiry_days: ['パスワードの有効期間 (日)', 'Password lifetime (days)'],
  lockout_threshold: ['ロックまでの失敗回数', 'Failures before lock-out'],
  lockout_minutes: ['ロック時間 (分)', 'Lock-out (minutes)'],
  idle_timeout_minutes: ['無操作での自動ログオフ (分)', 'Idle time-out (minutes)'],
  session_lifetime_minutes: ['セッションの最長時間 (分)', 'Session lifetime (minutes)'],
  totp_roles: ['ワンタイムパスワードが必要なロール', 'Roles that need a one-time code'],
  totp_outside_controlled_area: ['管理区域外からはワンタイムパスワードが必要', 'A one-time code outside the controlled area'],
};

// The identity policy: shown to all who may read it; changed (as JSON, the
// whole policy) only where the API allows it — the CISO.
function Policy() {
  const { data, problem, reload } = useApi<any>('policy/identity');
  const json = useJsonText(['新しいポリシー (JSON)', 'New policy (JSON)']);
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function save(e: Event) {
    e.preventDefault();
    setDone('');
    const body = json.parse();
    if (!body) return;
    if ((await attempt(() => api('PUT', 'policy/identity', body.value))) !== undefined) {
      setDone(t(['変更しました', 'Changed']));
      reload();
    }
  }
  const entries = data && typeof data === 'object' ? Object.entries(data as Record<string, unknown>) : [];
  return (
    <>
      <AdminRefusal problem={problem} />
      {data && (
        <>
          <table data-testid="identity-policy">
            <caption>{t(['現在の認証ポリシー', 'The identity policy in force'])}</caption>
            <tbody>
              {entries.map(([k, v]) => (
                <tr key={k}><th scope="row">{POLICY[k] ? t(POLICY[k]!) : k} <span class="help">({k})</span></th><td>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</td></tr>
              ))}
            </tbody>
          </table>
          <form onSubmit={(e) => void save(e)} aria-labelledby="policy-edit-title">
            <h3 id="policy-edit-title">{t(['ポリシーの変更 (最高情報セキュリティ責任者のみ)', 'Change the policy (the CISO only)'])}</h3>
            <button type="button" onClick={() => json.setText(JSON.stringify(data, null, 2))}>
              {t(['現在の値を編集欄に写す', 'Copy the current values to edit'])}
            </button>
            {json.field}
            <button type="submit" disabled={!json.text}>{t(['変更する', 'Change'])}</button>
            <Refusal problem={refused} />
            {done && <p role="status">{done}</p>}
          </form>
        </>
      )}
    </>
  );
}

export function Admin() {
  useSignal(lang);
  const [part, setPart] = useState('users');
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t(['管理', 'Administration'])}</h1>
      <p role="group" aria-label={t(['管理の対象', 'What to administer'])}>
        {PARTS.map(([id, label]) => (
          <button key={id} type="button" class="tab" aria-pressed={part === id} onClick={() => setPart(id)}>{t(label)}</button>
        ))}
      </p>
      <h2>{t(PARTS.find(([id]) => id === part)![1])}</h2>
      {part === 'users' && <Users />}
      {part === 'terminals' && <Accounts key="terminals" path="terminals" label={['登録端末', 'Registered terminals']} />}
      {part === 'service-accounts' && <Accounts key="sa" path="service-accounts" label={['サービスアカウント', 'Service accounts']} />}
      {part === 'policy' && <Policy />}
    </section>
  );
}
