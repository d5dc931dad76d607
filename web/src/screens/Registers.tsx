// The registers the rules require (管理台帳: contractors, cloud services,
// information systems, software, devices, media, maintenance, network
// changes …): the entries of one kind, registering one with a form built
// from the kind's schema as GET /v1/registers declares it, the periodic
// check, retirement and a cloud service's approval — each decided by the
// server (who keeps which register is the policy's system rights) — and
// the A4 print of the register.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { lang, t } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { useSignal } from '../signal';
import { Choice, Day, Field, Refusal, useApi, useRefusal, When } from './common';
import { PrintButton, PrintHeading } from './Print';
import { EntryForm, type RegisterKind } from './RegisterEntryForm';

type Kind = RegisterKind;

// The steps on one entry: a periodic check, retirement, approval.
function EntrySteps({ kind, entries, onDone }: { kind: Kind; entries: any[]; onDone: () => void }) {
  const [entry, setEntry] = useState('');
  const [result, setResult] = useState('');
  const [date, setDate] = useState(jstDayAhead(0));
  const [reason, setReason] = useState('');
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function step(path: string, body: unknown) {
    setDone('');
    if ((await attempt(() => api('POST', `registers/${kind.kind}/${encodeURIComponent(entry)}/${path}`, body))) !== undefined) {
      setDone(t(['記録しました', 'Recorded']));
      onDone();
    }
  }
  async function approve() {
    setDone('');
    if ((await attempt(() => api('POST', `cloud-services/${encodeURIComponent(entry)}/approve`, {}))) !== undefined) {
      setDone(t(['承認しました', 'Approved']));
      onDone();
    }
  }
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-labelledby="entry-steps-title">
      <h2 id="entry-steps-title">{t(['点検・廃止・承認', 'Check, retire, approve'])}</h2>
      <Choice label={['対象の登録', 'Entry']} name="entry" value={entry} set={setEntry}
        options={entries.filter((e) => !e.retired).map((e) => [e.id, e.id])} placeholder={['選択してください', 'Choose']} />
      <Field label={['点検日', 'Checked on']} type="date" value={date} set={setDate} />
      <Choice label={['点検結果', 'Result']} name="result" value={result} set={setResult}
        options={kind.check_results.map((r) => [r, r])} placeholder={['選択してください', 'Choose']} />
      <button type="button" disabled={!entry || !result} onClick={() => void step('checks', { date, result })}>
        {t(['点検を記録', 'Record the check'])}
      </button>
      <Field label={['廃止の理由', 'Reason to retire']} value={reason} set={setReason} />
      <button type="button" disabled={!entry} onClick={() => void step('retire', reason ? { reason } : {})}>
        {t(['廃止する', 'Retire'])}
      </button>{' '}
      {kind.approve_operation && (
        <button type="button" disabled={!entry} onClick={() => void approve()}>{t(['利用を承認', 'Approve its use'])}</button>
      )}
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="entry-done">{done}</p>}
    </form>
  );
}

// One entry: its checks and its versions (who changed what, when).
function Entry({ kind, id }: { kind: Kind; id: string }) {
  const { data, problem } = useApi<any>(`registers/${kind.kind}/${encodeURIComponent(id)}`);
  return (
    <section aria-labelledby="entry-title" data-testid="register-entry">
      <h2 id="entry-title">{id}</h2>
      <Refusal problem={problem} />
      {data && (
        <>
          <table data-testid="entry-checks">
            <caption>{t(['点検の記録', 'Checks'])}</caption>
            <thead><tr>
              <th scope="col">{t(['点検日', 'Date'])}</th><th scope="col">{t(['結果', 'Result'])}</th>
              <th scope="col">{t(['点検者', 'By'])}</th><th scope="col">{t(['記録日時', 'Recorded'])}</th>
            </tr></thead>
            <tbody>
              {(data.checks ?? []).map((c: any, i: number) => (
                <tr key={i}><td><Day value={c.date} /></td><td>{c.result}</td><td>{c.by}</td><td><When value={c.at} /></td></tr>
              ))}
            </tbody>
          </table>
          <table data-testid="entry-versions">
            <caption>{t(['変更の履歴', 'Versions'])}</caption>
            <thead><tr>
              <th scope="col">{t(['版', 'Version'])}</th><th scope="col">{t(['操作', 'Action'])}</th>
              <th scope="col">{t(['実施者', 'By'])}</th><th scope="col">{t(['日時', 'When'])}</th>
              <th scope="col">{t(['変更した項目', 'Fields changed'])}</th>
            </tr></thead>
            <tbody>
              {(data.versions ?? []).map((v: any) => (
                <tr key={v.version}>
                  <td>{v.version}</td><td>{v.action}</td><td>{v.by}</td><td><When value={v.at} /></td>
                  <td>{Array.isArray(v.changed) ? v.changed.join(', ') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Entries({ kind }: { kind: Kind }) {
  const { data, problem, reload } = useApi<any>(`registers/${kind.kind}`, { limit: '500' }, [kind.kind]);
  const entries: any[] = data?.entries ?? [];
  const [open, setOpen] = useState('');
  const [n, setN] = useState(0); // a step taken: the open entry is read again
  const shown = kind.fields.slice(0, 6);
  const opened = entries.find((e) => e.id === open && !e.retired);
  const title: [string, string] = [kind.title_ja, kind.title_en];
  return (
    <>
      <PrintHeading title={title} />
      <Refusal problem={problem} />
      {data && (
        <>
          <p><PrintButton /></p>
          <div class="scroll" tabIndex={0} role="region" aria-label={t(title)}>
            <table data-testid="register-entries">
              <caption>{t(title)}</caption>
              <thead><tr>
                <th scope="col">ID</th>
                {shown.map((f) => <th key={f.name} scope="col">{f.name}</th>)}
                <th scope="col">{t(['次回点検', 'Next check'])}</th><th scope="col">{t(['状態', 'State'])}</th>
                <th scope="col" class="no-print">{t(['操作', 'Actions'])}</th>
              </tr></thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-id={e.id}>
                    <td>{e.id}</td>
                    {shown.map((f) => {
                      const v = e.fields?.[f.name];
                      return <td key={f.name}>{Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? '✓' : '—') : v}</td>;
                    })}
                    <td><Day value={e.check_due} /></td>
                    <td>{e.retired ? t(['廃止', 'retired']) : e.approval ? t(['承認済み', 'approved']) : t(['有効', 'in force'])}</td>
                    <td class="no-print"><button type="button" onClick={() => setOpen(e.id)}>{t(['開く', 'Open'])}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entries.length === 0 && <p>{t(['登録はありません。', 'No entry.'])}</p>}
          <div class="no-print">
            {open && <Entry key={`${open}-${n}`} kind={kind} id={open} />}
            <EntrySteps kind={kind} entries={entries} onDone={() => { reload(); setN((x) => x + 1); }} />
            {opened && <EntryForm key={`edit-${open}-${JSON.stringify(opened.fields)}`} kind={kind} entry={opened}
              onDone={() => { reload(); setN((x) => x + 1); }} />}
            <EntryForm kind={kind} onDone={reload} />
          </div>
        </>
      )}
    </>
  );
}

export function Registers() {
  useSignal(lang);
  const { data, problem } = useApi<any>('registers');
  const [name, setName] = useState('');
  const kinds: Kind[] = data?.registers ?? [];
  const kind = kinds.find((k) => k.kind === name);
  return (
    <section aria-labelledby="registers-title">
      <h1 id="registers-title">{t(['管理台帳', 'Registers'])}</h1>
      <Refusal problem={problem} />
      <div class="no-print">
        <Choice label={['台帳', 'Register']} name="kind" value={name} set={setName}
          options={kinds.map((k) => [k.kind, t([k.title_ja, k.title_en])])} placeholder={['選択してください', 'Choose']} />
      </div>
      {kind && <Entries key={kind.kind} kind={kind} />}
    </section>
  );
}
