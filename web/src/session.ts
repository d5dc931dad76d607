// The logged-on session: who, the previous log-on [003 II.5(2)], and the
// idle time-out. The server ends a session after its idle time without a
// request (identity policy idle_timeout_minutes); the console counts the
// same time from its last answered request, warns a minute before, and at
// the end forgets the token, logs out and asks for the password again.
import { api, setHooks, setToken } from './api';
import { operationsOf } from './lib/nav';
import { signal } from './signal';

export interface Principal {
  id: string;
  display_name: string;
  department: string;
  roles: string[];
  positions: string[];
}

export interface LastLogon {
  time: string | null;
  result: string | null;
  failures_since: number;
}

export interface Session {
  principal: Principal;
  // The system operations the server allows this session now
  // (GET /v1/auth/session), for the navigation (lib/nav.ts).
  operations: string[];
  lastLogon: LastLogon;
  mustChangePassword: boolean;
  totpEnrolmentRequired: boolean;
  idleMs: number;
}

export const session = signal<Session | null>(null);
// Why the user is at the log-on screen: '' (never logged on), 'idle',
// 'logout', 'everywhere' (this and every other session of the person ended),
// 'expired'.
export type EndReason = 'idle' | 'logout' | 'everywhere' | 'expired';
export const endReason = signal<'' | EndReason>('');
export const idleWarning = signal(false);
export const WARN_BEFORE_MS = 60_000;

let lastActivity = 0;
let timer: ReturnType<typeof setInterval> | null = null;

function tick() {
  const s = session.value;
  if (!s) return;
  const left = lastActivity + s.idleMs - Date.now();
  if (left <= 0) {
    void end('idle');
  } else {
    idleWarning.value = left <= WARN_BEFORE_MS;
  }
}

setHooks(
  () => {
    lastActivity = Date.now();
    idleWarning.value = false;
  },
  () => void end('expired'),
);

export async function login(user: string, password: string, totp: string) {
  const body: Record<string, string> = { user, password };
  if (totp) body['totp'] = totp;
  const r = await api('POST', 'auth/login', body);
  setToken(r.token);
  // The idle time as the server counts it, independent of this clock.
  const info = await api('GET', 'auth/session');
  const idle = Date.parse(info.idle_expires_at) - Date.parse(info.last_seen);
  lastActivity = Date.now();
  session.value = {
    principal: r.principal,
    operations: operationsOf(info),
    lastLogon: r.last_logon,
    mustChangePassword: !!r.must_change_password,
    totpEnrolmentRequired: !!r.totp_enrolment_required,
    idleMs: Number.isFinite(idle) && idle > 0 ? idle : 15 * 60_000,
  };
  endReason.value = '';
  if (timer) clearInterval(timer);
  timer = setInterval(tick, 1000);
}

// Reads the session again: the principal and the operations the server
// allows it now (a lifted restriction, a role added or removed since the
// log-on). Refreshes the server's idle clock too (any request does).
export async function refreshSession() {
  const info = await api('GET', 'auth/session');
  const s = session.value;
  if (s && info) {
    session.value = { ...s, principal: info.principal ?? s.principal, operations: operationsOf(info) };
  }
}

export async function stayLoggedOn() {
  await refreshSession();
}

export async function end(reason: EndReason) {
  if (timer) clearInterval(timer);
  timer = null;
  if (session.value && reason !== 'expired') {
    try {
      // 'everywhere' also ends the person's sessions on other terminals
      // (POST /v1/auth/logout {"everywhere": true}); they meet the log-on
      // screen at their next request.
      await api('POST', 'auth/logout', reason === 'everywhere' ? { everywhere: true } : undefined);
    } catch {
      // Already ended on the server (idle): nothing more to do.
    }
  }
  setToken(null);
  idleWarning.value = false;
  session.value = null;
  endReason.value = reason;
}
