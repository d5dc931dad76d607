// Inspections (自己点検), internal audits (内部監査) and training (教育):
// what the API answers this person of each, with the form that starts one
// where the API allows it (the CISO line plans inspections, audits and
// training; section managers record attendance) and the refusal, as the
// server words it, where it does not. A person's own training is shown to
// everyone, and their own self-inspection checklist to answer.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { lang, t, type Text } from '../i18n';
import { columnsOf, rowsOf } from '../lib/csv';
import { session } from '../session';
import { useSignal } from '../signal';
import { RowsTable } from './Browse';
import { Choice, Refusal, useApi, useRefusal } from './common';
import { bodyOf, initial, Inputs, type Input } from './FormInputs';
import { SelfInspection } from './SelfInspection';

// A step on one row (POST {path}/{id}/{step}), e.g. an auditor assigned;
// "{sub}" in the step is the part's second identifier (a finding, an order).
interface Action { step: string; label: Text; inputs: Input[] }
// A view of one row (GET {path}/{id}/{view}), e.g. an inspection's summary.
interface View { view: string; label: Text }
interface Part {
  id: string; title: Text; path: string; create: Text; inputs: Input[]; actions?: Action[];
  sub?: Input; views?: View[];
}

const PARTS: Part[] = [
  { id: 'inspections', title: ['自己点検', 'Self-inspections'], path: 'inspections', create: ['点検計画を作成', 'Plan an inspection'],
    inputs: [{ name: 'year', label: ['年度', 'Year'], kind: 'number' }],
    actions: [
      { step: 'evaluation', label: ['評価を記録', 'Record the evaluation'], inputs: [{ name: 'rating', label: ['評価 (コード)', 'Rating (a code)'] }] },
      { step: 'orders', label: ['改善を指示', 'Order an improvement'], inputs: [
        { name: 'department', label: ['部署', 'Department'] }, { name: 'item', label: ['点検項目', 'Item'] },
        { name: 'measure', label: ['改善策 (コード)', 'Measure (a code)'] }, { name: 'due', label: ['期限', 'Due'], kind: 'date' }] },
      { step: 'orders/{sub}/complete', label: ['改善指示の完了を報告', 'Report the order completed'], inputs: [] },
    ],
    sub: { name: 'sub', label: ['改善指示ID (完了の報告)', 'Order ID (to report it completed)'], optional: true },
    views: [{ view: 'summary', label: ['集計を表示', 'Show the summary'] }] },
  { id: 'audits', title: ['内部監査', 'Internal audits'], path: 'audits', create: ['監査計画を作成', 'Plan an audit'],
    inputs: [{ name: 'year', label: ['年度', 'Year'], kind: 'number' },
      { name: 'departments', label: ['対象部署 (カンマ区切り)', 'Departments (comma-separated)'], kind: 'list' },
      { name: 'scope', label: ['範囲 (コード)', 'Scope (a code)'] }],
    actions: [
      { step: 'auditors', label: ['監査人を指名', 'Assign an auditor'], inputs: [{ name: 'auditor', label: ['監査人ID', 'Auditor ID'] }] },
      { step: 'report', label: ['監査報告を提出', 'Submit the audit report'], inputs: [] },
      { step: 'acknowledge', label: ['監査報告を受領', 'Acknowledge the report'], inputs: [] },
      { step: 'findings', label: ['指摘を記録', 'Record a finding'], inputs: [
        { name: 'clause', label: ['根拠条項 (例: 003.II.5)', 'Clause (e.g. 003.II.5)'] }, { name: 'department', label: ['指摘先の部署', 'Department'] },
        { name: 'severity', label: ['重要度 (major, minor, observation)', 'Severity (major, minor, observation)'] }] },
      { step: 'findings/{sub}/improvement', label: ['改善計画を報告', 'Report the improvement plan'], inputs: [
        { name: 'measure', label: ['改善策 (コード)', 'Measure (a code)'] }, { name: 'due', label: ['改善期限', 'Improvement due'], kind: 'date' }] },
      { step: 'findings/{sub}/progress', label: ['改善の進捗を報告', 'Report progress'], inputs: [
        { name: 'status', label: ['進捗 (in_progress, done)', 'Status (in_progress, done)'] }, { name: 'note', label: ['メモ (コード)', 'Note (a code)'], optional: true }] },
      { step: 'findings/{sub}/close', label: ['指摘の完了を確認', 'Confirm the finding closed'], inputs: [] },
    ],
    sub: { name: 'sub', label: ['指摘ID (改善・進捗・完了)', 'Finding ID (improvement, progress, close)'], optional: true } },
  { id: 'training-plans', title: ['教育計画', 'Training plans'], path: 'training/plans', create: ['教育計画を作成', 'Plan training'],
    inputs: [{ name: 'year', label: ['年度', 'Year'], kind: 'number' }, { name: 'course', label: ['講座', 'Course'] },
      { name: 'audience', label: ['対象者', 'Audience'] }] },
  { id: 'training-attendance', title: ['受講記録', 'Attendance'], path: 'training/attendance', create: ['受講を記録', 'Record attendance'],
    inputs: [{ name: 'plan', label: ['教育計画ID', 'Plan ID'] }, { name: 'person', label: ['受講者ID', 'Person ID'] },
      { name: 'date', label: ['受講日', 'Date'], kind: 'date' }, { name: 'passed', label: ['修了', 'Passed'], kind: 'bool' }] },
];

function PartView({ part }: { part: Part }) {
  const { data, problem, reload } = useApi<unknown>(part.path, { limit: '200' }, [part.id]);
  const [values, setValues] = useState(initial(part.inputs));
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const rows = rowsOf(data);
  async function create(e: Event) {
    e.preventDefault();
    setDone('');
    const r = await attempt(() => api<any>('POST', part.path, bodyOf(part.inputs, values)));
    if (r !== undefined) {
      setDone(t(['作成しました', 'Created']) + (r?.id ? `: ${r.id}` : ''));
      reload();
    }
  }
  return (
    <>
      <Refusal problem={problem} />
      {data !== null && (
        <>
          <p role="status" data-testid="governance-count">{t([`${rows.length}件`, `${rows.length} row(s)`])}</p>
          <RowsTable rows={rows} cols={columnsOf(rows)} label={part.title} testid={`governance-${part.id}`} />
          <form onSubmit={(e) => void create(e)} aria-labelledby="governance-create-title">
            <h2 id="governance-create-title">{t(part.create)}</h2>
            <Inputs inputs={part.inputs} values={values} set={setValues} />
            <button type="submit">{t(part.create)}</button>
            <Refusal problem={refused} />
            {done && <p role="status" data-testid="governance-done">{done}</p>}
          </form>
          {part.actions && <Actions part={part} rows={rows} onDone={reload} />}
        </>
      )}
    </>
  );
}

// The steps on one row of a part; the server decides who may take each.
function Actions({ part, rows, onDone }: { part: Part; rows: Record<string, unknown>[]; onDone: () => void }) {
  const [id, setId] = useState('');
  const [values, setValues] = useState(initial([...part.actions!.flatMap((a) => a.inputs), ...(part.sub ? [part.sub] : [])]));
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const [shown, setShown] = useState<unknown>(null);
  async function take(action: Action) {
    setDone('');
    const step = action.step.replace('{sub}', encodeURIComponent(values['sub'] ?? ''));
    const path = `${part.path}/${encodeURIComponent(id)}/${step}`;
    const r = await attempt(() => api<any>('POST', path, bodyOf(action.inputs, values)));
    if (r !== undefined) {
      // A finding or an order made: the last of the row's (the answer is the row after the step).
      const made = action.step === 'findings' || action.step === 'orders' ? r?.[action.step]?.at?.(-1)?.id ?? '' : '';
      setDone(t(['記録しました', 'Recorded']) + (made ? `: ${made}` : ''));
      onDone();
    }
  }
  async function view(v: View) {
    setShown(null);
    const r = await attempt(() => api<unknown>('GET', `${part.path}/${encodeURIComponent(id)}/${v.view}`));
    if (r !== undefined) setShown(r);
  }
  const shownRows = rowsOf(shown);
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-labelledby="governance-actions-title">
      <h2 id="governance-actions-title">{t(['手続', 'Steps'])}</h2>
      <Choice label={['対象', 'Which']} name="row" value={id} set={setId}
        options={rows.map((r) => [String(r['id']), String(r['id'])])} placeholder={['選択してください', 'Choose']} />
      {part.views?.map((v) => (
        <button key={v.view} type="button" disabled={!id} onClick={() => void view(v)}>{t(v.label)}</button>
      ))}
      {shown !== null && (shownRows.length
        ? <RowsTable rows={shownRows} cols={columnsOf(shownRows)} label={part.views?.[0]?.label ?? part.title} testid="governance-view" />
        : <pre data-testid="governance-view">{JSON.stringify(shown, null, 2)}</pre>)}
      {part.sub && <Inputs inputs={[part.sub]} values={values} set={setValues} />}
      {part.actions!.map((a) => (
        <fieldset key={a.step}>
          <legend>{t(a.label)}</legend>
          <Inputs inputs={a.inputs} values={values} set={setValues} />
          <button type="button" disabled={!id || (a.step.includes('{sub}') && !values['sub'])} onClick={() => void take(a)}>{t(a.label)}</button>
        </fieldset>
      ))}
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="governance-step-done">{done}</p>}
    </form>
  );
}

// The person's own training: whether it is current (everyone may see their own).
function MyTraining() {
  const me = useSignal(session)?.principal.id ?? '';
  const { data, problem } = useApi<any>(me ? `training/people/${encodeURIComponent(me)}` : null);
  return (
    <>
      <h2>{t(['わたしの受講状況', 'My training'])}</h2>
      <Refusal problem={problem} />
      {data && <RowsTable rows={[data]} cols={columnsOf([data], 8)} label={['わたしの受講状況', 'My training']} testid="my-training" />}
    </>
  );
}

export function Governance() {
  useSignal(lang);
  const [id, setId] = useState(PARTS[0]!.id);
  const part = PARTS.find((p) => p.id === id)!;
  return (
    <section aria-labelledby="governance-title">
      <h1 id="governance-title">{t(['点検・監査・教育', 'Inspections, audits, training'])}</h1>
      <p role="group" aria-label={t(['対象', 'Part'])}>
        {PARTS.map((p) => (
          <button key={p.id} type="button" class="tab" aria-pressed={p.id === id} onClick={() => setId(p.id)}>{t(p.title)}</button>
        ))}
      </p>
      <h2>{t(part.title)}</h2>
      <PartView key={part.id} part={part} />
      <SelfInspection />
      <MyTraining />
    </section>
  );
}
