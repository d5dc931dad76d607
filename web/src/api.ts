// The console's only way to the server: the public /v1 API, same origin.
// The session token lives in this module's memory only — never in
// localStorage, sessionStorage or a cookie — so a reload or a closed tab
// ends the console's hold on it (docs/CONSOLE.md).

export interface Problem {
  code: string;
  title: string;
  title_ja: string;
  detail: string;
  detail_ja: string;
  subject?: string;
  status: number;
}

export class ApiError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail);
  }
}

let token: string | null = null;
let onActivity: (() => void) | null = null;
let onUnauthorized: ((p: Problem) => void) | null = null;

export function setToken(t: string | null) {
  token = t;
}
export function hasToken() {
  return token !== null;
}
// Every answered request counts as activity for the server's idle time-out;
// a 401 means the session is gone.
export function setHooks(activity: () => void, unauthorized: (p: Problem) => void) {
  onActivity = activity;
  onUnauthorized = unauthorized;
}

export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string | undefined>,
): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const url = `/v1/${path}${q.size ? `?${q}` : ''}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers['Authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  });
  const json = parse(await res.text());
  if (!res.ok) {
    const p = problemOf(res, json);
    if (res.status === 401 && token && !path.startsWith('auth/login')) onUnauthorized?.(p);
    throw new ApiError(p);
  }
  if (token) onActivity?.();
  return json as T;
}

function parse(text: string): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// The server's problem+json, or what can be said without one.
function problemOf(res: Response, json: any): Problem {
  return {
    code: json?.code ?? 'http_' + res.status,
    title: json?.title ?? res.statusText,
    title_ja: json?.title_ja ?? json?.title ?? res.statusText,
    detail: json?.detail ?? '',
    detail_ja: json?.detail_ja ?? json?.detail ?? '',
    subject: json?.subject,
    status: res.status,
  };
}

// A file the API answers (CSV, XLSX, HTML): fetched with the token, handed
// to the browser as a download from memory.
export async function download(path: string, query: Record<string, string>, name: string) {
  const q = new URLSearchParams(query);
  const res = await fetch(`/v1/${path}?${q}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok) throw new ApiError(problemOf(res, parse(await res.text())));
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
