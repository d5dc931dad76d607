// Administration of people (利用者): the list, adding one with a temporary
// password (changed at the first log-on), disabling with the reason the
// rules name and enabling again, unlocking, a temporary password, and
// roles and positions. The server decides every step (the administrator
// only; a person holding rights needs an approved request for a reset or a
// role, and the refusal is shown as the server words it).
import { useState } from 'preact/hooks';
import { api, type Problem } from '../api';
import { t, type Text } from '../i18n';
import { administers } from '../lib/nav';
import { session } from '../session';
import { useSignal } from '../signal';
import { Choice, Field, Refusal, useApi, useRefusal } from './common';

const STATES: Record<string, Text> = {
  active: ['有効', 'active'],
  disabled: ['無効', 'disabled'],
  locked: ['ロック中', 'locked'],
};
const DISABLE_REASONS: [string, Text][] = [
  ['leave', ['退職', 'left the organisation']],
  ['transfer', ['異動', 'transferred']],
  ['long_absence', ['長期不在', 'long absence']],
  ['no_longer_needed', ['不要', 'no longer needed']],
];
// A part of the administration the API refuses: the refusal, and whom the
// part is for.
export function AdminRefusal({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <>
      <Refusal problem={problem} />
      {problem.status === 403 && (
        <p class="help" data-testid="admin-note">
          {t([
            'この画面は、システム管理者 (利用者・端末・サービスアカウントの管理) と、参照を認められた責任者・監査人のためのものです。',
            'This screen is for the system administrator (people, terminals, service accounts) and the officers and auditors allowed to read it.',
          ])}
        </p>
      )}
    </>
  );
}

// The steps on one chosen person or account under `base` (users,
// service-accounts): the server's refusal kept to show, what was done said.
export function useAccountSteps(base: string, who: string, onDone: () => void) {
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function step(what: Text, method: string, path: string, body?: unknown, query?: Record<string, string>) {
    setDone('');
    if ((await attempt(() => api(method, `${base}/${enc(who)}${path}`, body, query))) !== undefined) {
      setDone(t(what));
      onDone();
    }
  }
  return { refused, done, step };
}

const list = (s: string) => s.split(/[,、\s]+/).filter(Boolean);
const enc = encodeURIComponent;

function AddUser({ onAdded }: { onAdded: () => void }) {
  const [f, setF] = useState({ id: '', display_name: '', department: '', roles: '', positions: '', password: '' });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function add(e: Event) {
    e.preventDefault();
    setDone('');
    const body = { ...f, roles: list(f.roles), positions: list(f.positions) };
    if ((await attempt(() => api('POST', 'users', body))) !== undefined) {
      setDone(f.id);
      onAdded();
    }
  }
  return (
    <form onSubmit={(e) => void add(e)} aria-labelledby="user-add-title">
      <h3 id="user-add-title">{t(['利用者の追加', 'Add a person'])}</h3>
      <Field label={['利用者ID', 'User ID']} value={f.id} set={set('id')} required autoComplete="off" />
      <Field label={['氏名', 'Name']} value={f.display_name} set={set('display_name')} required />
      <Field label={['所属部署', 'Department']} value={f.department} set={set('department')} />
      <Field label={['ロール (カンマ区切り)', 'Roles (comma-separated)']} value={f.roles} set={set('roles')} />
      <Field label={['役職 (カンマ区切り)', 'Positions (comma-separated)']} value={f.positions} set={set('positions')} />
      <Field label={['仮パスワード (初回ログオン時に変更)', 'Temporary password (changed at first log-on)']}
        type="password" value={f.password} set={set('password')} required autoComplete="new-password" />
      <button type="submit">{t(['追加する', 'Add'])}</button>
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="user-added">{t([`追加しました: ${done}`, `Added: ${done}`])}</p>}
    </form>
  );
}

// The steps on one chosen person.
// Where the approved request of a rights holder's credential reset comes
// from: the rights flow's credential_reset kind (RightsRequest.tsx),
// requested by a manager and approved by someone other than this
// administrator; the reset names it and so configures it.
export function CredentialResetHelp() {
  return (
    <p class="help">{t(['権限を持つ人・アカウントの再設定には、「権限の申請・見直し」で「認証情報の再設定の承認」を申請し、管理者以外が承認した申請のIDが必要です。',
      "Resetting a credential of someone (or an account) holding rights needs the ID of a \"credential reset\" request from Rights requests, approved by someone other than the administrator."])}{' '}
      <a href="#/rights-flow">{t(['権限の申請・見直しへ', 'Go to Rights requests'])}</a></p>
  );
}

function UserSteps({ users, roles, onDone }: { users: any[]; roles: [string, string][]; onDone: () => void }) {
  const [who, setWho] = useState('');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('');
  const [position, setPosition] = useState('');
  const [change, setChange] = useState({ display_name: '', department: '', manager: '' });
  const [request, setRequest] = useState('');
  const [passwordRequest, setPasswordRequest] = useState('');
  const admin = administers(useSignal(session)?.operations ?? []);
  const { refused, done, step: stepOn } = useAccountSteps('users', who, onDone);
  const step = (what: Text, method: string, path: string, body?: unknown, request = '') =>
    stepOn(what, method, path, body, { request });
  const none = !who;
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-labelledby="user-steps-title">
      <h3 id="user-steps-title">{t(['利用者の操作', 'Steps on a person'])}</h3>
      <Choice label={['対象の利用者', 'Person']} name="user" value={who} set={setWho}
        options={users.map((u) => [u.id, `${u.id} ${u.display_name ?? ''}`])} placeholder={['選択してください', 'Choose']} />
      <fieldset>
        <legend>{t(['無効化・有効化', 'Disable or enable'])}</legend>
        <Choice label={['無効化の理由', 'Reason to disable']} name="reason" value={reason} set={setReason}
          options={DISABLE_REASONS.map(([v, x]) => [v, t(x)])} placeholder={['選択してください', 'Choose']} />
        <button type="button" disabled={none || !reason}
          onClick={() => void step(['無効にしました', 'Disabled'], 'POST', '/disable', { reason })}>{t(['無効にする', 'Disable'])}</button>{' '}
        <button type="button" disabled={none}
          onClick={() => void step(['有効にしました', 'Enabled'], 'POST', '/enable', {})}>{t(['有効にする', 'Enable'])}</button>{' '}
        <button type="button" disabled={none}
          onClick={() => void step(['ロックを解除しました', 'Unlocked'], 'POST', '/unlock', {})}>{t(['ロック解除', 'Unlock'])}</button>
      </fieldset>
      <fieldset>
        <legend>{t(['パスワードの再設定', 'Reset the password'])}</legend>
        <Field label={['仮パスワード', 'Temporary password']} type="password" value={password} set={setPassword}
          autoComplete="new-password" />
        <Field label={['パスワード再設定の承認済み申請ID (権限を持つ人の場合)', 'Approved request ID for the password reset (for someone holding rights)']}
          value={passwordRequest} set={setPasswordRequest} />
        <button type="button" disabled={none || !password}
          onClick={() => void step(['仮パスワードを設定しました (次回ログオン時に変更)', 'Temporary password set (changed at the next log-on)'],
            'POST', '/password', passwordRequest.trim() ? { password, request: passwordRequest.trim() } : { password })}>{t(['再設定する', 'Reset'])}</button>
        <CredentialResetHelp />
      </fieldset>
      <fieldset>
        <legend>{t(['ロール・役職', 'Roles and positions'])}</legend>
        <Choice label={['ロール', 'Role']} name="role" value={role} set={setRole} options={roles}
          placeholder={['選択してください', 'Choose']} />
        <button type="button" disabled={none || !role}
          onClick={() => void step(['ロールを付与しました', 'Role added'], 'PUT', `/roles/${enc(role)}`)}>{t(['付与', 'Add'])}</button>{' '}
        <button type="button" disabled={none || !role}
          onClick={() => void step(['ロールを外しました', 'Role removed'], 'DELETE', `/roles/${enc(role)}`)}>{t(['解除', 'Remove'])}</button>
        <Field label={['役職', 'Position']} value={position} set={setPosition} />
        <button type="button" disabled={none || !position}
          onClick={() => void step(['役職を付与しました', 'Position added'], 'PUT', `/positions/${enc(position)}`)}>{t(['付与', 'Add'])}</button>{' '}
        <button type="button" disabled={none || !position}
          onClick={() => void step(['役職を外しました', 'Position removed'], 'DELETE', `/positions/${enc(position)}`)}>{t(['解除', 'Remove'])}</button>
      </fieldset>
      {admin && (
        <>
          <fieldset>
            <legend>{t(['氏名・部署・上司の変更 (入力した項目のみ)', 'Change the name, department or manager (the items filled in)'])}</legend>
            <Field label={['新しい氏名', 'New name']} value={change.display_name} set={(v) => setChange({ ...change, display_name: v })} />
            <Field label={['新しい所属部署', 'New department']} value={change.department} set={(v) => setChange({ ...change, department: v })} />
            <Field label={['新しい上司 (利用者ID)', 'New manager (user ID)']} value={change.manager} set={(v) => setChange({ ...change, manager: v })} />
            <button type="button" disabled={none || !Object.values(change).some(Boolean)}
              onClick={() => void step(['変更しました (部署の変更は権限の見直しを始めます)', 'Changed (a change of department starts a review of rights)'],
                'PATCH', '', Object.fromEntries(Object.entries(change).filter(([, v]) => v)))}>{t(['変更する', 'Change'])}</button>
          </fieldset>
          <fieldset>
            <legend>{t(['ワンタイムパスワードの再登録', 'Reset the authenticator (TOTP)'])}</legend>
            <Field label={['再登録の承認済み申請ID (権限を持つ人の場合)', 'Approved request ID for the authenticator reset (for someone holding rights)']}
              value={request} set={setRequest} />
            <button type="button" disabled={none}
              onClick={() => void step(['再登録としました (次回ログオン時に登録)', 'Reset (enrolled again at the next log-on)'],
                'DELETE', '/totp', undefined, request.trim())}>{t(['再登録にする', 'Reset'])}</button>
            <CredentialResetHelp />
          </fieldset>
        </>
      )}
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="user-done">{done}</p>}
    </form>
  );
}

export function Users() {
  const { data, problem, reload } = useApi<any>('users', { limit: '500' });
  const roles = useApi<any>('roles');
  const users: any[] = data?.users ?? [];
  const roleOptions: [string, string][] = (roles.data?.roles ?? []).map((r: any) => [r.id, `${r.id} ${t([r.title_ja, r.title_en])}`]);
  return (
    <>
      <AdminRefusal problem={problem} />
      {data && (
        <>
          <table data-testid="users">
            <caption>{t(['利用者', 'People'])}</caption>
            <thead><tr>
              <th scope="col">ID</th><th scope="col">{t(['氏名', 'Name'])}</th><th scope="col">{t(['部署', 'Department'])}</th>
              <th scope="col">{t(['ロール', 'Roles'])}</th><th scope="col">{t(['役職', 'Positions'])}</th>
              <th scope="col">{t(['状態', 'State'])}</th>
            </tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-id={u.id} data-state={u.state}>
                  <td>{u.id}</td><td>{u.display_name}</td><td>{u.department}</td>
                  <td>{(u.roles ?? []).join(', ')}</td><td>{(u.positions ?? []).join(', ')}</td>
                  <td>{STATES[u.state] ? t(STATES[u.state]!) : u.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <UserSteps users={users} roles={roleOptions} onDone={reload} />
          <AddUser onAdded={reload} />
        </>
      )}
    </>
  );
}
