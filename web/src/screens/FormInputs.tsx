// Forms described as data (a list of inputs: text, a number, a list, a
// date, yes/no): their controls with labels, their first values and the
// JSON body they send. The server checks the body and explains a refusal.
import { t, type Text } from '../i18n';
import { jstDayAhead, toJst } from '../lib/dates';
import { Field } from './common';

export interface Input { name: string; label: Text; kind?: 'number' | 'list' | 'date' | 'bool'; optional?: boolean }

// The fiscal year (年度, from April), the first value of a year input.
const jst = toJst(new Date());
export const fiscalYear = String(jst.month < 4 ? jst.year - 1 : jst.year);

export function initial(inputs: Input[]): Record<string, string> {
  const v: Record<string, string> = {};
  for (const i of inputs) v[i.name] = i.kind === 'number' ? fiscalYear : i.kind === 'date' ? jstDayAhead(0) : i.kind === 'bool' ? 'true' : '';
  return v;
}

export function bodyOf(inputs: Input[], values: Record<string, string>) {
  const body: Record<string, unknown> = {};
  for (const i of inputs) {
    const v = values[i.name] ?? '';
    body[i.name] = i.kind === 'number' ? Number(v) : i.kind === 'list' ? v.split(/[,、\s]+/).filter(Boolean) : i.kind === 'bool' ? v === 'true' : v;
  }
  return body;
}

export function Inputs({ inputs, values, set }: {
  inputs: Input[]; values: Record<string, string>; set: (v: Record<string, string>) => void;
}) {
  return (
    <>
      {inputs.map((i) => i.kind === 'bool' ? (
        <label key={i.name}>
          <input type="checkbox" class="inline" checked={values[i.name] === 'true'}
            onChange={(e) => set({ ...values, [i.name]: String(e.currentTarget.checked) })} />{' '}{t(i.label)}
        </label>
      ) : (
        <Field key={i.name} label={i.label} value={values[i.name] ?? ''} type={i.kind === 'date' ? 'date' : 'text'}
          inputMode={i.kind === 'number' ? 'numeric' : undefined}
          set={(v) => set({ ...values, [i.name]: v })} required={!i.optional} />
      ))}
    </>
  );
}
