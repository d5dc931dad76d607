// Incidents (漏えい等事案): the list with the Commission's deadlines and the
// overdue reports, reporting one (anyone: the internal desk), and one
// incident's record, its steps, the next step taken (the server decides
// who may take which: the SIRT triages and contains, the CISO line decides
// and reports) and the report form of the Commission as HTML [002 第31-33条;
// 003 II.2(8)].
import { useState } from 'preact/hooks';
import { ApiError, api, download } from '../api';
import { t, type Text } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { Choice, Day, Field, Refusal, useApi, useRefusal, When } from './common';
import { IncidentAmend } from './IncidentAmend';

const STEPS: [string, Text][] = [
  ['triage', ['受付・初動 (SIRT)', 'triage (SIRT)']],
  ['decide', ['対応方針の決定 (CISO)', 'decide (CISO)']],
  ['contain', ['封じ込め・復旧 (SIRT)', 'contain and recover (SIRT)']],
  ['check_systems', ['他システムの確認 (SIRT)', 'check other systems (SIRT)']],
  ['police', ['警察への届出の判断 (CISO)', 'police report decision (CISO)']],
  ['preliminary_report', ['速報の提出 (CISO)', 'preliminary report filed (CISO)']],
  ['final_report', ['確報の提出 (CISO)', 'final report filed (CISO)']],
  ['no_report', ['報告対象外の決定 (CISO)', 'not reportable (CISO)']],
  ['lessons', ['再発防止策 (SIRT)', 'lessons learned (SIRT)']],
  ['close', ['完了 (CISO)', 'close (CISO)']],
];
const STATES: Record<string, Text> = {
  reported: ['報告済み', 'reported'], triaged: ['初動済み', 'triaged'], decided: ['方針決定', 'decided'],
  contained: ['封じ込め済み', 'contained'], systems_checked: ['確認済み', 'systems checked'],
  police_decided: ['届出判断済み', 'police decided'], lessons_learned: ['再発防止策済み', 'lessons learned'],
  closed: ['完了', 'closed'],
};
const state = (s: string) => (STATES[s] ? t(STATES[s]!) : s);

function ReportIncident({ onDone }: { onDone: () => void }) {
  const [summary, setSummary] = useState('');
  const [aware, setAware] = useState(jstDayAhead(0));
  const [leaked, setLeaked] = useState('unknown');
  const [myNumber, setMyNumber] = useState(false);
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function report(e: Event) {
    e.preventDefault();
    const r = await attempt(() => api<any>('POST', 'incidents', { summary, aware, leaked, my_number: myNumber }));
    if (r) {
      setDone(r.id);
      setSummary('');
      onDone();
    }
  }
  return (
    <form onSubmit={(e) => void report(e)} aria-labelledby="incident-report-title">
      <h2 id="incident-report-title">{t(['事案の報告', 'Report an incident'])}</h2>
      <Field label={['概要 (個人データそのものは書かないでください)', 'Summary (do not write the personal data itself)']}
        value={summary} set={setSummary} required />
      <Field label={['認知した日', 'Became aware on']} type="date" value={aware} set={setAware} required />
      <Choice label={['漏えいの有無', 'Leaked']} name="leaked" value={leaked} set={setLeaked}
        options={[['yes', t(['あり', 'yes'])], ['no', t(['なし', 'no'])], ['unknown', t(['不明', 'unknown'])]]}
        placeholder={['選択してください', 'Choose']} />
      <label>
        <input type="checkbox" class="inline" checked={myNumber} onChange={(e) => setMyNumber(e.currentTarget.checked)} />{' '}
        {t(['個人番号 (マイナンバー) を含む', 'My Numbers are concerned'])}
      </label>
      <button type="submit">{t(['報告する', 'Report'])}</button>
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="incident-reported">{t([`報告しました: ${done}`, `Reported: ${done}`])}</p>}
    </form>
  );
}

type FormFormat = 'html' | 'text' | 'json';
const FORM_EXT: Record<FormFormat, string> = { html: 'html', text: 'txt', json: 'json' };

// The JSON form's items as the server fills them (未確定 where not known).
function ReportFormItems({ form }: { form: any }) {
  const items: any[] = Array.isArray(form?.items) ? form.items : [];
  const unknown: string[] = Array.isArray(form?.unknown) ? form.unknown : [];
  return (
    <>
      <table data-testid="report-form-items" data-complete={String(!!form?.complete)}>
        <caption>{form?.title ?? ''} ({form?.complete ? t(['記入済み', 'complete']) : t(['未確定の項目あり', 'items not yet known'])})</caption>
        <thead><tr><th scope="col">{t(['項目', 'Item'])}</th><th scope="col">{t(['内容', 'Value'])}</th></tr></thead>
        <tbody>
          {items.map((x) => <tr key={x.key} data-key={x.key}><th scope="row">{x.label}</th><td>{x.value}</td></tr>)}
        </tbody>
      </table>
      {unknown.length > 0 && <p data-testid="report-form-unknown">{t(['未確定: ', 'Not yet known: '])}{unknown.join(', ')}</p>}
    </>
  );
}

function Incident({ id, onDone }: { id: string; onDone: () => void }) {
  const { data, problem, reload } = useApi<any>(`incidents/${encodeURIComponent(id)}`);
  const [step, setStep] = useState('');
  const [date, setDate] = useState(jstDayAhead(0));
  const [note, setNote] = useState('');
  const [police, setPolice] = useState('');
  const [format, setFormat] = useState<FormFormat>('html');
  const [shown, setShown] = useState<any>(null);
  const [reason, setReason] = useState('');
  const { refused, setRefused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function take(e: Event) {
    e.preventDefault();
    setDone('');
    const body: Record<string, unknown> = { step };
    if (step.endsWith('_report') || (step === 'police' && police === 'true')) body['date'] = date;
    // The police step: reported (with its date) or not; an attack not
    // reported needs the decision's reason code, as does no_report's.
    if (step === 'police') body['reported'] = police === 'true';
    if ((step === 'police' && police !== 'true') || step === 'no_report') if (reason) body['reason'] = reason;
    if (note) body['note'] = note;
    if ((await attempt(() => api('POST', `incidents/${encodeURIComponent(id)}/steps`, body))) !== undefined) {
      setDone(t(['記録しました', 'Recorded']));
      reload();
      onDone();
    }
  }
  // The Commission's form in the format chosen: HTML (one A4 page), text
  // or JSON, downloaded; JSON is also shown (its items and those unknown).
  async function form(kind: 'preliminary' | 'final') {
    setRefused(null);
    setShown(null);
    try {
      await download(`incidents/${encodeURIComponent(id)}/report-form`, { kind, format }, `incident-${id}-${kind}.${FORM_EXT[format]}`);
      if (format === 'json') setShown(await api<any>('GET', `incidents/${encodeURIComponent(id)}/report-form`, undefined, { kind, format }));
    } catch (err) {
      if (err instanceof ApiError) setRefused(err.problem);
    }
  }
  return (
    <section aria-labelledby="incident-title" data-testid="incident">
      <h2 id="incident-title">{t(['事案 ', 'Incident '])}{id}</h2>
      <Refusal problem={problem} />
      {data && (
        <>
          <p>
            {t(['状態: ', 'State: '])}<span data-testid="incident-state">{state(data.state)}</span>{' / '}
            {t(['報告対象: ', 'Reportable: '])}{data.reportable ? t(['あり', 'yes']) : t(['なし', 'no'])}{' / '}
            {t(['速報期限: ', 'Preliminary report due: '])}<Day value={data.preliminary_report_due} />{' / '}
            {t(['確報期限: ', 'Final report due: '])}<Day value={data.final_report_due} />
          </p>
          <table>
            <caption>{t(['対応の経過', 'Steps taken'])}</caption>
            <thead><tr>
              <th scope="col">{t(['手順', 'Step'])}</th><th scope="col">{t(['実施者', 'By'])}</th>
              <th scope="col">{t(['日時', 'When'])}</th><th scope="col">{t(['提出日', 'Filed on'])}</th>
            </tr></thead>
            <tbody>
              {(data.steps ?? []).map((s: any, i: number) => (
                <tr key={i}><td>{s.step}</td><td>{s.by}</td><td><When value={s.at} /></td><td><Day value={s.date} /></td></tr>
              ))}
            </tbody>
          </table>
          <form onSubmit={(e) => void take(e)} aria-labelledby="incident-step-title">
            <h3 id="incident-step-title">{t(['次の手順の記録', 'Record the next step'])}</h3>
            <Choice label={['手順', 'Step']} name="step" value={step} set={setStep}
              options={STEPS.map(([v, x]) => [v, t(x)])} placeholder={['選択してください', 'Choose']} />
            <Field label={['提出日・届出日 (報告・届出の手順)', 'Filing date (reports, police)']} type="date" value={date} set={setDate} />
            {step === 'police' && (
              <Choice label={['警察への届出', 'Reported to the police']} name="police" value={police} set={setPolice}
                options={[['true', t(['届け出た', 'reported'])], ['false', t(['届け出ない', 'not reported'])]]}
                placeholder={['選択してください', 'Choose']} />
            )}
            {(step === 'no_report' || (step === 'police' && police === 'false')) && (
              <Field label={['判断の理由 (コード、例: no_damage)', 'Reason for the decision (a code, e.g. no_damage)']} value={reason} set={setReason} />
            )}
            <Field label={['メモ', 'Note']} value={note} set={setNote} />
            <button type="submit" disabled={!step || (step === 'police' && !police)}>{t(['記録する', 'Record'])}</button>
          </form>
          <IncidentAmend id={id} onDone={() => { reload(); onDone(); }} />
          <p>
            <Choice label={['報告書様式の形式', 'Format of the report form']} name="form-format" value={format === 'html' ? '' : format}
              set={(v) => setFormat((v || 'html') as FormFormat)} placeholder={['HTML (A4)', 'HTML (A4)']}
              options={[['text', t(['テキスト', 'Text'])], ['json', 'JSON']]} />
            {t(['個人情報保護委員会への報告書様式: ', "The Commission's report form: "])}
            <button type="button" onClick={() => void form('preliminary')}>{t(['速報', 'Preliminary'])}</button>{' '}
            <button type="button" onClick={() => void form('final')}>{t(['確報', 'Final'])}</button>
          </p>
          {shown && <ReportFormItems form={shown} />}
          <Refusal problem={refused} />
          {done && <p role="status" data-testid="incident-done">{done}</p>}
        </>
      )}
    </section>
  );
}

export function Incidents() {
  const { data, problem, reload } = useApi<any>('incidents');
  const [open, setOpen] = useState('');
  const list: any[] = data?.incidents ?? [];
  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">{t(['インシデント', 'Incidents'])}</h1>
      <Refusal problem={problem} />
      {data && (
        <table data-testid="incidents">
          <caption>{t(['漏えい等事案', 'Incidents'])}</caption>
          <thead><tr>
            <th scope="col">ID</th><th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['認知日', 'Aware'])}</th>
            <th scope="col">{t(['報告対象', 'Reportable'])}</th><th scope="col">{t(['速報期限', 'Preliminary due'])}</th>
            <th scope="col">{t(['確報期限', 'Final due'])}</th><th scope="col">{t(['期限超過', 'Overdue'])}</th>
            <th scope="col">{t(['操作', 'Actions'])}</th>
          </tr></thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id} data-id={i.id} data-state={i.state}>
                <td>{i.id}</td><td>{state(i.state)}</td><td><Day value={i.aware} /></td>
                <td>{i.reportable ? t(['あり', 'yes']) : t(['なし', 'no'])}</td>
                <td><Day value={i.preliminary_report_due} /></td><td><Day value={i.final_report_due} /></td>
                <td>{(i.overdue ?? []).length ? t(['超過', 'overdue']) : ''}</td>
                <td><button type="button" onClick={() => setOpen(i.id)}>{t(['開く', 'Open'])}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <Incident key={open} id={open} onDone={reload} />}
      <ReportIncident onDone={reload} />
    </section>
  );
}
