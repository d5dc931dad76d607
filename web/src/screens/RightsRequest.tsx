// The rights flow's requests other than a grant [003 II.5(4) 必須 A-B]: a
// change, removal or reinstatement of a grant (picked from the grants the
// register shows), the terminals of a dataset, a mask rule, a role added
// or removed, the approval of a rights holder's credential reset (the
// administrator's reset then names it: AdminUsers.tsx,
// AdminServiceAccounts.tsx), and a use application (利用申請: named persons
// until a day, approved by the section manager). Each goes request → approve →
// configure like a grant; the server decides who may request which kind
// and refuses, explained, what it does not allow.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { CREDENTIALS, emptyRequestForm, KIND_INPUTS, requestBody, requestPath, withRight, type Credential, type RequestForm, type RequestKind } from '../lib/rights';
import { Choice, Field, Refusal, useApi, useRefusal } from './common';

export const KIND_LABELS: Record<RequestKind, Text> = {
  use: ['利用申請 (期間・利用者を限定)', 'Use application (named persons, until a day)'],
  change: ['権限の変更', 'Change of a grant'],
  removal: ['権限の削除', 'Removal of a grant'],
  reinstate: ['権限の再付与', 'Reinstatement of a grant'],
  terminals: ['利用端末の指定', 'Terminals of a dataset'],
  mask_rule: ['マスク規則', 'Mask rule'],
  role_add: ['ロールの追加', 'Role added'],
  role_remove: ['ロールの削除', 'Role removed'],
  credential_reset: ['認証情報の再設定の承認 (権限保有者)', 'Credential reset of a rights holder'],
};

export const CREDENTIAL_LABELS: Record<Credential, Text> = {
  password: ['パスワード', 'Password'],
  totp: ['ワンタイムパスワード (認証アプリ)', 'Authenticator (TOTP)'],
  certificate: ['サービスアカウントのクライアント証明書', "A service account's client certificate"],
};

export const CATEGORIES: [string, Text][] = [
  ['specific_personal_information', ['特定個人情報', 'Specific personal information']],
  ['credit_information', ['与信情報', 'Credit information']],
  ['personal_information', ['個人情報', 'Personal information']],
  ['employee_information', ['従業員情報', 'Employee information']],
];
export const OPERATIONS = ['read', 'find', 'write', 'export', 'shred'];
const FIELD_TYPES = ['my_number', 'corporate_number', 'name', 'kana', 'address', 'postal_code', 'date', 'phone',
  'email', 'bank_account', 'amount', 'text', 'integer', 'bool', 'bytes'];

function grantText(g: any): string {
  const r = g.right ?? {};
  return [g.id, [r.role, r.dataset, r.operation, r.purpose, r.department].filter(Boolean).join(' / ')].join(' — ');
}

// The right's inputs (a use application's, or the new right of a change).
function RightInputs({ f, set }: { f: RequestForm; set: (k: keyof RequestForm) => (v: string) => void }) {
  return (
    <fieldset>
      <legend>{t(f.kind === 'change' ? ['変更後の権限', 'The right after the change'] : ['利用する権限', 'The right to use'])}</legend>
      <Field label={['ロール', 'Role']} name="right-role" required value={f.rightRole} set={set('rightRole')} />
      <Choice label={['区分', 'Category']} name="right-category" value={f.category} set={set('category')}
        placeholder={['選択してください', 'Choose']} options={CATEGORIES.map(([v, l]) => [v, t(l)])} />
      <Field label={['対象データセット', 'Dataset of the right']} name="right-dataset" required value={f.rightDataset} set={set('rightDataset')} />
      <Choice label={['権限の操作', 'Operation of the right']} name="right-operation" value={f.operation} set={set('operation')}
        placeholder={['選択してください', 'Choose']} options={OPERATIONS.map((o) => [o, o])} />
      <Field label={['権限の利用目的ID', 'Purpose id of the right']} name="right-purpose" value={f.purpose} set={set('purpose')} />
      <Field label={['権限の部署', 'Department of the right']} name="right-department" required value={f.department} set={set('department')} />
      <Field label={['利用者ID (カンマ区切り)', 'Persons (ids, comma-separated)']} name="right-persons"
        required={f.kind === 'use'} value={f.persons} set={set('persons')} />
      {f.kind === 'use' && (
        <Field label={['利用期限 (JST, この日の終わりまで)', 'Until (JST, the end of this day)']} name="expires" type="date"
          required value={f.expires} set={set('expires')} />
      )}
    </fieldset>
  );
}

function MaskInputs({ f, set, setF }: {
  f: RequestForm; set: (k: keyof RequestForm) => (v: string) => void; setF: (f: RequestForm) => void;
}) {
  return (
    <fieldset>
      <legend>{t(['マスク規則の適用範囲と内容', 'Scope and rule'])}</legend>
      <Choice label={['データ型 (または下のデータセットと項目)', 'Field type (or the dataset and field below)']} name="scope-type"
        value={f.scopeType} set={set('scopeType')} placeholder={['指定しない', 'None']} options={FIELD_TYPES.map((x) => [x, x])} />
      <Field label={['適用するデータセット', 'Dataset of the scope']} name="scope-dataset" value={f.scopeDataset}
        set={set('scopeDataset')} disabled={!!f.scopeType} />
      <Field label={['適用する項目', 'Field of the scope']} name="scope-field" value={f.scopeField} set={set('scopeField')}
        disabled={!!f.scopeType} />
      <label>
        <input type="checkbox" class="inline" checked={f.removeRule}
          onChange={(e) => setF({ ...f, removeRule: e.currentTarget.checked })} />{' '}
        {t(['規則を削除して既定に戻す', 'Remove the rule (back to the default)'])}
      </label>
      <Choice label={['マスクを外せる人', 'Shown in clear to']} name="clear-to" value={f.clearTo} set={set('clearTo')}
        disabled={f.removeRule} placeholder={['選択してください', 'Choose']}
        options={[['readers', t(['参照権限者', 'readers'])], ['unmask', t(['マスク解除権限者', 'unmask holders'])],
          ['nobody', t(['誰にも表示しない', 'nobody'])]]} />
      <Field label={['対象の利用目的ID (カンマ区切り、空欄は全目的)', 'Purpose ids (comma-separated; empty: every purpose)']}
        name="mask-purposes" value={f.maskPurposes} set={set('maskPurposes')} disabled={f.removeRule} />
      <Choice label={['それ以外の人への表示', 'Shown to others']} name="otherwise" value={f.otherwise} set={set('otherwise')}
        disabled={f.removeRule} placeholder={['選択してください', 'Choose']}
        options={[['partial', t(['一部マスク', 'partly masked'])], ['full', t(['全部マスク', 'fully masked'])],
          ['hidden', t(['非表示', 'hidden'])]]} />
    </fieldset>
  );
}

export function RightsRequest({ onDone }: { onDone: () => void }) {
  const [f, setF] = useState<RequestForm>(emptyRequestForm());
  const inputs = KIND_INPUTS[f.kind];
  // The grants to pick from, read only for the kinds that name one.
  const grants = useApi<any>(inputs.includes('grant') ? 'rights/grants' : null, { limit: '1000' }, [inputs.includes('grant')]);
  const { refused, setRefused, attempt } = useRefusal();
  const [made, setMade] = useState('');
  const set = (k: keyof RequestForm) => (v: string) => setF({ ...f, [k]: v });
  const list: any[] = grants.data?.grants ?? [];
  function kind(k: string) {
    setRefused(null);
    setMade('');
    const next = { ...f, kind: k as RequestKind };
    if (k === 'use' && !f.expires) next.expires = jstDayAhead(30);
    setF(next);
  }
  function grant(id: string) {
    const g = list.find((x) => x.id === id);
    setF(withRight({ ...f, grant: id }, f.kind === 'change' ? g?.right : undefined));
  }
  async function submit(e: Event) {
    e.preventDefault();
    setMade('');
    const r = await attempt(() => api('POST', requestPath(f), requestBody(f)));
    if (r) {
      setMade(r.id);
      onDone();
    }
  }
  return (
    <form onSubmit={submit} class="search" aria-labelledby="rights-other-title" data-testid="rights-other">
      <h2 id="rights-other-title">{t(['権限の変更・削除・その他の申請', 'Other rights requests'])}</h2>
      <p class="help">{t(['変更・削除・再付与・端末・マスク規則・ロールは部門責任者等が申請し、承認・設定を経て反映されます。権限保有者の認証情報の再設定は、承認された申請の番号を管理者が再設定のときに指定します。利用申請は誰でも行え、所属課長が承認します。',
        "Changes, removals, reinstatements, terminals, mask rules and roles are requested by managers, then approved and configured; a rights holder's credential reset, once approved, is named by the administrator in the reset itself; anyone may apply for a use, which their section manager approves."])}</p>
      <Choice label={['申請の種類', 'Kind of request']} name="kind" value={f.kind} set={kind}
        placeholder={['選択してください', 'Choose']} options={Object.entries(KIND_LABELS).map(([k, l]) => [k, t(l)])} />
      {inputs.includes('grant') && (
        <>
          <Refusal problem={grants.problem} />
          <Choice label={['対象の権限 (付与ID)', 'Grant']} name="grant" value={f.grant} set={grant}
            placeholder={['選択してください', 'Choose']} options={list.map((g) => [g.id, grantText(g)])} />
        </>
      )}
      {inputs.includes('person') && <Field label={['対象者ID', 'Person id']} name="person" required value={f.person} set={set('person')} />}
      {inputs.includes('role') && <Field label={['ロール名', 'Role name']} name="role-name" required value={f.role} set={set('role')} />}
      {inputs.includes('credential') && (
        <Choice label={['再設定する認証情報', 'Credential to reset']} name="credential" value={f.credential}
          set={(v) => setF({ ...f, credential: v as Credential })} placeholder={['選択してください', 'Choose']}
          options={CREDENTIALS.map((c) => [c, t(CREDENTIAL_LABELS[c])])} />
      )}
      {inputs.includes('dataset') && <Field label={['データセット名', 'Dataset name']} name="dataset" required value={f.dataset} set={set('dataset')} />}
      {inputs.includes('terminals') && (
        <Field label={['端末ID (カンマ区切り)', 'Terminal ids (comma-separated)']} name="terminals" required value={f.terminals} set={set('terminals')} />
      )}
      {inputs.includes('right') && <RightInputs f={f} set={set} />}
      {inputs.includes('mask_rule') && <MaskInputs f={f} set={set} setF={setF} />}
      <Field label={['申請理由', 'Reason']} name="reason" required value={f.reason} set={set('reason')} />
      <button type="submit">{t(['申請する', 'Request'])}</button>
      {made && <p role="status" data-testid="rights-other-requested">{t([`申請しました: ${made}`, `Requested: ${made}`])}</p>}
      <Refusal problem={refused} />
    </form>
  );
}
