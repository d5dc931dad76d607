// The bodies of the rights flow's requests other than a grant, built from
// a form's text inputs (docs/openapi.yaml, POST /v1/rights/requests): each
// kind sends only the members it takes, since the server refuses a member
// that does not apply to the kind. The server checks everything else (the
// grant exists, the person, the role) and explains a refusal.

export type RequestKind =
  | 'use' | 'change' | 'removal' | 'reinstate' | 'terminals' | 'mask_rule' | 'role_add' | 'role_remove'
  | 'credential_reset';

export const REQUEST_KINDS: readonly RequestKind[] =
  ['use', 'change', 'removal', 'reinstate', 'terminals', 'mask_rule', 'role_add', 'role_remove', 'credential_reset'];

// What a credential_reset approves the reset of: a person's password or
// authenticator (TOTP), or a service account's client certificate.
export type Credential = 'password' | 'totp' | 'certificate';
export const CREDENTIALS: readonly Credential[] = ['password', 'totp', 'certificate'];

// The inputs each kind shows: a right (use, change), a grant, a person …
export const KIND_INPUTS: Record<RequestKind, readonly string[]> = {
  use: ['right', 'expires'],
  change: ['grant', 'right'],
  removal: ['grant'],
  reinstate: ['grant', 'person'],
  terminals: ['dataset', 'terminals'],
  mask_rule: ['mask_scope', 'mask_rule'],
  role_add: ['person', 'role'],
  role_remove: ['person', 'role'],
  // the second person for the reset of a rights holder's credential: the
  // administrator's reset names the approved request (and configures it)
  credential_reset: ['person', 'credential'],
};

export interface RequestForm {
  kind: RequestKind;
  reason: string;
  grant: string;
  person: string;
  role: string;
  credential: Credential;
  dataset: string;
  terminals: string;
  // the right of a use application or a change
  rightRole: string;
  category: string;
  rightDataset: string;
  operation: string;
  purpose: string;
  department: string;
  persons: string;
  unmask: boolean;
  expires: string; // a JST day (YYYY-MM-DD): the use ends at its end
  // a mask rule: its scope (a field type, or a dataset's field) and the rule,
  // or none to go back to the type's default
  scopeType: string;
  scopeDataset: string;
  scopeField: string;
  clearTo: string;
  maskPurposes: string;
  otherwise: string;
  removeRule: boolean;
}

export function emptyRequestForm(kind: RequestKind = 'change'): RequestForm {
  return {
    kind, reason: '', grant: '', person: '', role: '', credential: 'totp', dataset: '', terminals: '',
    rightRole: 'handler', category: '', rightDataset: '', operation: 'read', purpose: '', department: '',
    persons: '', unmask: false, expires: '',
    scopeType: '', scopeDataset: '', scopeField: '', clearTo: 'readers', maskPurposes: '', otherwise: 'partial',
    removeRule: false,
  };
}

// A list typed with commas, 、 or spaces (full-width ones too).
export function listOf(text: string): string[] {
  return text.split(/[,，、\s\u3000]+/).filter(Boolean);
}

// The end of a JST day as the UTC time the API takes ("…T14:59:59Z").
export function endOfJstDay(day: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day);
  if (!m) return '';
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59) - 9 * 3600_000;
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

// A right's inputs as typed (persons as a list in one text).
export interface RightInputs {
  role: string; category: string; dataset: string; operation: string; purpose: string; department: string;
  persons: string; unmask?: boolean; expires?: string;
}

// A right as the rights register records it (policy/right.h): the purpose,
// persons, unmask and expiry only when given.
export function rightFrom(r: RightInputs): Record<string, unknown> {
  const right: Record<string, unknown> = {
    role: r.role.trim(), category: r.category, dataset: r.dataset.trim(), operation: r.operation,
    department: r.department.trim(),
  };
  if (r.purpose.trim()) right['purpose'] = r.purpose.trim();
  const persons = listOf(r.persons);
  if (persons.length) right['persons'] = persons;
  if (r.unmask) right['unmask'] = true;
  if (r.expires) right['expires'] = endOfJstDay(r.expires);
  return right;
}

// The right of a use application or a change, from the form.
export function rightOf(f: RequestForm): Record<string, unknown> {
  return rightFrom({
    role: f.rightRole, category: f.category, dataset: f.rightDataset, operation: f.operation, purpose: f.purpose,
    department: f.department, persons: f.persons, unmask: f.unmask, expires: f.kind === 'use' ? f.expires : '',
  });
}

// The form filled from a grant's right (a change starts from what is granted).
export function withRight(f: RequestForm, right: Record<string, unknown> | undefined): RequestForm {
  if (!right) return f;
  const s = (k: string) => (typeof right[k] === 'string' ? (right[k] as string) : '');
  return {
    ...f, rightRole: s('role'), category: s('category'), rightDataset: s('dataset'), operation: s('operation') || 'read',
    purpose: s('purpose'), department: s('department'),
    persons: Array.isArray(right['persons']) ? (right['persons'] as string[]).join(', ') : '', unmask: right['unmask'] === true,
  };
}

// Where a request goes: a use application to POST /v1/rights/uses (anyone
// applies), the other kinds to POST /v1/rights/requests (the requesting
// roles).
export function requestPath(f: RequestForm): string {
  return f.kind === 'use' ? 'rights/uses' : 'rights/requests';
}

// The request's body: the kind (but for a use application, which its
// route names), the members it takes, the reason.
export function requestBody(f: RequestForm): Record<string, unknown> {
  const body: Record<string, unknown> = f.kind === 'use' ? {} : { kind: f.kind };
  for (const input of KIND_INPUTS[f.kind]) {
    switch (input) {
      case 'right': body['right'] = rightOf(f); break;
      case 'grant': body['grant'] = f.grant.trim(); break;
      case 'person': body['person'] = f.person.trim(); break;
      case 'role': body['role'] = f.role.trim(); break;
      case 'credential': body['credential'] = f.credential; break;
      case 'dataset': body['dataset'] = f.dataset.trim(); break;
      case 'terminals': body['terminals'] = listOf(f.terminals); break;
      case 'mask_scope':
        body['mask_scope'] = f.scopeType
          ? { type: f.scopeType }
          : { dataset: f.scopeDataset.trim(), field: f.scopeField.trim() };
        break;
      case 'mask_rule':
        body['mask_rule'] = f.removeRule
          ? null
          : { clear_to: f.clearTo, purposes: listOf(f.maskPurposes), otherwise: f.otherwise };
        break;
    }
  }
  if (f.reason.trim()) body['reason'] = f.reason.trim();
  return body;
}
