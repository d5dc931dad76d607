// Which screens the navigation offers a person: those whose starting
// operation the server says the session may perform now. GET
// /v1/auth/session answers `operations`, the system operations the route
// table's authorisation allows the session's principal (its roles as stored
// now, a suspension by a leave review, nothing while the session is
// restricted), decided by the server's own code, so the console holds no
// copy of the role table to drift from it. This decides only what the
// navigation lists: a screen reached by its URL still asks the API, and the
// API's refusal, explained, stays the authority.

// Screen id → the operations any one of which makes the screen useful; a
// screen not named here is for everyone (my work, records — a data grant
// may name any role and is decided per dataset, not listed —, approvals,
// exceptions, take-outs, incidents, the self-inspection and training of
// one's own, the audit log's heads and proofs, and the rights flow: anyone
// applies for the use of a dataset there, rights.use_request).
export const SCREEN_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  inquiries: ['inquiry.show', 'inquiry.apply'],
  lists: ['list.show'],
  findings: ['finding.list'],
  report: ['report.compliance'],
  audit: ['audit.events'],
  rights: ['rights.register'],
  ledger: ['dataset.ledger'],
  disposals: ['disposal.list'],
  registers: ['register.read', 'register.keep'],
  admin: ['user.list', 'terminal.list', 'service.list'],
};

// The administrator's own steps on a person or an account (a name,
// department or manager changed, the authenticator reset, a service
// account's certificate and roles): their forms are shown to a session
// allowed one of them.
export const ADMINISTRATION: readonly string[] = [
  'user.update',
  'user.reset_totp',
  'service.update',
  'service.roles',
];

// Whether the navigation offers screen `id` to a session allowed `operations`.
export function offers(id: string, operations: readonly string[]): boolean {
  const needed = SCREEN_OPERATIONS[id];
  return !needed || needed.some((op) => operations.includes(op));
}

// Whether the session administers people and accounts (the forms of those
// steps are shown to it only; the server decides each step again).
export function administers(operations: readonly string[]): boolean {
  return ADMINISTRATION.some((op) => operations.includes(op));
}

// The operations of a GET /v1/auth/session answer: its `operations` when
// that is a list of strings; none otherwise (a server that does not answer
// them offers only the screens for everyone — the safe side).
export function operationsOf(answer: unknown): string[] {
  const ops = (answer as { operations?: unknown } | null)?.operations;
  return Array.isArray(ops) ? ops.filter((op): op is string => typeof op === 'string') : [];
}
