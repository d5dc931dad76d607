// Shared pieces of the screens: a loader over an API call, the refusal
// message, dates in the user's era and language.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Problem } from '../api';
import { era, lang, problemText, t, type Text } from '../i18n';
import { formatCivilDate, formatDateTime, type Lang } from '../lib/dates';
import { useSignal } from '../signal';

export function useApi<T>(path: string | null, query?: Record<string, string>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setProblem(null);
    api<T>('GET', path, undefined, query).then(
      (d) => live && setData(d),
      (e) => live && e instanceof ApiError && setProblem(e.problem),
    );
    return () => {
      live = false;
    };
  }, [path, n, ...deps]);
  return { data, problem, reload: () => setN((x) => x + 1) };
}

// An action's refusal: attempt() runs an API call, keeping the server's
// problem to show (Refusal) instead of throwing it.
export function useRefusal() {
  const [refused, setRefused] = useState<Problem | null>(null);
  async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setRefused(null);
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setRefused(err.problem);
      return undefined;
    }
  }
  return { refused, setRefused, attempt };
}

const FORBIDDEN: Text = [
  'この操作・利用目的は、あなたの権限では認められていません。必要な場合は、権限の申請 (申請 → 承認 → 設定) を行ってください。',
  'Your rights do not allow this operation or purpose. If you need it, request the right (request → approve → configure).',
];

// A refusal in the chosen language, the other language alongside.
export function Refusal({ problem }: { problem: Problem | null }) {
  useSignal(lang);
  if (!problem) return null;
  const other: Lang = lang.value === 'ja' ? 'en' : 'ja';
  const forbidden = problem.status === 403;
  return (
    <div class="error" role="alert" data-testid="refusal">
      <p>{problemText(problem)}</p>
      {forbidden && <p>{t(FORBIDDEN)}</p>}
      <p class="alongside" lang={other}>
        {problemText(problem, other)}
        {forbidden && <><br />{FORBIDDEN[other === 'ja' ? 0 : 1]}</>}
      </p>
    </div>
  );
}

export function When({ value }: { value: string | null | undefined }) {
  useSignal(lang);
  useSignal(era);
  return <time dateTime={value ?? ''}>{formatDateTime(value, era.value, lang.value)}</time>;
}

export function Day({ value }: { value: string | null | undefined }) {
  useSignal(lang);
  useSignal(era);
  return <time dateTime={value ?? ''}>{formatCivilDate(value, era.value, lang.value)}</time>;
}

// A labelled text input bound to a value: every control of the console has
// its label (accessibility), and the forms differ only in these attributes.
type InputAttrs = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'value' | 'onInput'>;
export function Field({ label, value, set, ...attrs }: { label: Text; value: string; set: (v: string) => void } & InputAttrs) {
  return (
    <label>
      {t(label)}
      <input {...attrs} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );
}

// A labelled choice of [value, text] pairs, with an empty first option.
export function Choice({ label, name, value, set, options, placeholder, disabled }: {
  label: Text; name: string; value: string; set: (v: string) => void;
  options: [string, string][]; placeholder: Text; disabled?: boolean;
}) {
  return (
    <label>
      {t(label)}
      <select name={name} value={value} disabled={disabled} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">{t(placeholder)}</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

// A record's value as text: objects (an account, an address) as their
// members' values, null as nothing.
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return Object.values(v as object).map(showValue).join(' ');
  return String(v);
}
