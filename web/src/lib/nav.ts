// Which screens the navigation offers a person: those their roles (as the
// server names them in the session's principal) can use. It mirrors the
// system rights table of the server (src/policy/system_rights.cc) for the
// operation each screen starts from; the API does not say which operations
// a session may use, so the console reads it from the roles. This decides
// only what the navigation lists: a screen reached by its URL still asks the
// API, and the API's refusal, explained, stays the authority.

const OPERATOR = 'inquiry_operator';
const CONFIRMER = 'confirmer';
const SECTION = 'section_manager';
const DEPARTMENT = 'department_officer';
const CREDIT = 'credit_info_director';
const CHIEF = 'chief_officer';
const CISO = 'ciso';
const DEPUTY = 'deputy_ciso';
const AUDIT_LEAD = 'audit_lead';
const AUDITOR = 'auditor';
const SIRT = 'sirt';
const TERMINALS = 'terminal_manager';
const CLOUD = 'cloud_manager';
const ADMIN = 'admin';

const MANAGERS = [SECTION, DEPARTMENT, CREDIT, CHIEF, CISO, DEPUTY];
const AUDITORS = [AUDIT_LEAD, AUDITOR];
// rights.register, register.read, user.list: the managers, the CISO line,
// internal audit and the administrator.
const REGISTER_READERS = [ADMIN, ...MANAGERS, ...AUDITORS];

// Screen id → the roles that can use it; a screen not named here is for
// everyone (my work, records — a data grant may name any role —, approvals,
// exceptions, take-outs, incidents, the self-inspection and training of
// one's own, the audit log's heads and proofs, and the rights flow: anyone
// applies for the use of a dataset there, rights.use_request).
const SCREEN_ROLES: Record<string, readonly string[]> = {
  // inquiry.show
  inquiries: [OPERATOR, CONFIRMER, ...MANAGERS, ...AUDITORS],
  // list.show
  lists: [CONFIRMER, ...MANAGERS, ...AUDITORS],
  // finding.list
  findings: [...MANAGERS, SIRT, ...AUDITORS],
  // report.compliance
  report: [CHIEF, CISO, DEPUTY, ...AUDITORS],
  // audit.events
  audit: [...AUDITORS, CISO, DEPUTY, CHIEF, SIRT],
  // rights.register
  rights: REGISTER_READERS,
  // dataset.ledger (the same roles as the registers' readers)
  ledger: REGISTER_READERS,
  // disposal.list (the ledger's readers)
  disposals: REGISTER_READERS,
  // register.read, register.keep
  registers: [...REGISTER_READERS, CLOUD],
  // user.list, terminal.list, service.list
  admin: [...REGISTER_READERS, TERMINALS],
};

// Whether the navigation offers screen `id` to a person holding `roles`.
export function offers(id: string, roles: readonly string[]): boolean {
  const allowed = SCREEN_ROLES[id];
  return !allowed || roles.some((r) => allowed.includes(r));
}

// Whether the person administers people and accounts (user.update,
// user.reset_totp, service.update, service.roles: the administrator only);
// the forms of those steps are shown to them only.
export function administers(roles: readonly string[]): boolean {
  return roles.includes(ADMIN);
}

