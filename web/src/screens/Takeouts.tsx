// Take-outs (持ち出し) [002 第47-49条]: the handler applies (an approval of
// type takeout: dataset, purpose, recipient certificate, until), the
// approvers decide on the approvals screen, the applicant exports and
// downloads the encrypted CMS file — fetched with the session's token and
// handed to the browser from memory, never a token in a URL —, and
// someone other than the exporter confirms its return or destruction. The
// server refuses every step to the wrong person; the refusal is shown.
import { useState } from 'preact/hooks';
import { api, download, type Problem } from '../api';
import { lang, t } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { sha256Fingerprint } from '../lib/pem';
import { selectionTerms, selectionText, type Selection } from '../lib/takeout';
import { signal } from '../signal';
import { Field, Refusal, useApi, useRefusal, When } from './common';
import { TakeoutManifest } from './TakeoutManifest';

function Certificate({ value, set }: { value: string; set: (v: string) => void }) {
  return (
    <label>
      {t(['受領者の証明書 (PEM)', "Recipient's certificate (PEM)"])}
      <textarea name="certificate" rows={4} cols={64} required value={value}
        onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );
}

const BAD_CERT: Problem = {
  code: 'console.certificate', status: 400, title: 'Not a PEM certificate', title_ja: 'PEM形式の証明書ではありません',
  detail: 'Paste the certificate between its BEGIN and END lines.', detail_ja: 'BEGIN 行から END 行までの証明書を貼り付けてください。',
};

// The records a search found, handed over by the records screen: the
// application starts from them (read once, then cleared).
export const takeoutDraft = signal<{ dataset: string; purpose: string; records: string[] } | null>(null);

function Apply() {
  const [draft] = useState(() => {
    const from = takeoutDraft.value;
    takeoutDraft.value = null;
    return from;
  });
  const [f, setF] = useState({
    dataset: draft?.dataset ?? '', purpose: draft?.purpose ?? '', certificate: '', until: jstDayAhead(7), reason: '', internal: true,
  });
  const [sel, setSel] = useState<Selection>({ all: !draft, records: draft?.records.join(', ') ?? '', fields: '' });
  const { refused, setRefused, attempt } = useRefusal();
  const [made, setMade] = useState('');
  const set = (k: 'dataset' | 'purpose' | 'certificate' | 'until' | 'reason') => (v: string) => setF({ ...f, [k]: v });
  async function submit(e: Event) {
    e.preventDefault();
    setRefused(null);
    setMade('');
    const recipient = await sha256Fingerprint(f.certificate);
    if (!recipient) return setRefused(BAD_CERT);
    const a = await attempt(() => api('POST', 'approvals', {
      type: 'takeout', subject: f.dataset, action: 'record.export', reason: f.reason,
      details: { purpose: f.purpose, ...selectionTerms(sel), recipient, internal: f.internal, until: f.until },
    }));
    if (a) setMade(a.id);
  }
  const code = '[a-z0-9._\\-]+';
  return (
    <form onSubmit={submit} class="search" aria-labelledby="takeout-apply-title">
      <h2 id="takeout-apply-title">{t(['持ち出しの申請', 'Apply for a take-out'])}</h2>
      <p class="help">{t(['データセットの全記録、または指定した記録・項目を暗号化ファイル (CMS) で持ち出します。承認は「承認」画面で、課長 (機密性3は部長も) が行います。',
        'Every record of the dataset, or the records and fields named, in an encrypted (CMS) file; the section manager (and for confidentiality 3 the department officer) approve on the approvals screen.'])}</p>
      <Field label={['データセット名', 'Dataset name']} name="dataset" required value={f.dataset} set={set('dataset')} />
      <Field label={['利用目的ID', 'Purpose id']} name="purpose" required value={f.purpose} set={set('purpose')} />
      <fieldset>
        <legend>{t(['持ち出す記録と項目', 'Records and fields taken out'])}</legend>
        <label>
          <input type="radio" name="selection" class="inline" checked={sel.all} onChange={() => setSel({ ...sel, all: true })} />{' '}
          {t(['全記録', 'Every record'])}
        </label>
        <label>
          <input type="radio" name="selection" class="inline" checked={!sel.all} onChange={() => setSel({ ...sel, all: false })} />{' '}
          {t(['指定した記録のみ', 'The records named'])}
        </label>
        <Field label={['記録ID (カンマ区切り)', 'Record ids (comma-separated)']} name="records" required={!sel.all} disabled={sel.all}
          value={sel.records} set={(v) => setSel({ ...sel, records: v })} />
        <Field label={['項目名 (カンマ区切り、空欄は全項目)', 'Field names (comma-separated; empty: every field)']} name="fields"
          value={sel.fields} set={(v) => setSel({ ...sel, fields: v })} />
      </fieldset>
      <Certificate value={f.certificate} set={set('certificate')} />
      <label>
        <input type="checkbox" checked={f.internal} onChange={(e) => setF({ ...f, internal: e.currentTarget.checked })} />
        {t(['受領者は組織内', 'The recipient is inside the organisation'])}
      </label>
      <Field label={['返却・廃棄の期限 (JST)', 'Return or destruction by (JST)']} name="until" type="date" required value={f.until} set={set('until')} />
      <Field label={['理由コード', 'Reason code']} name="reason" required pattern={code} value={f.reason} set={set('reason')} />
      <button type="submit">{t(['申請する', 'Apply'])}</button>
      {made && <p role="status" data-testid="takeout-applied">{t([`申請しました: ${made}`, `Applied: ${made}`])}</p>}
      <Refusal problem={refused} />
    </form>
  );
}

function Export() {
  const [f, setF] = useState({ approval: '', dataset: '', purpose: '', certificate: '' });
  const { refused, attempt } = useRefusal();
  const [out, setOut] = useState<any>(null);
  const [manifest, setManifest] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  async function submit(e: Event) {
    e.preventDefault();
    const made = await attempt(() => api('POST', 'takeouts', { approval: f.approval, recipient_certificate: f.certificate },
      { dataset: f.dataset, purpose: f.purpose }));
    if (made) setOut(made);
  }
  async function save() {
    await attempt(() => download(`takeouts/${encodeURIComponent(out.id)}/file`, {}, `${out.id}.p7m`));
  }
  return (
    <>
      <form onSubmit={submit} class="search" aria-labelledby="takeout-export-title">
        <h2 id="takeout-export-title">{t(['承認済みの持ち出しの実行', 'Export an approved take-out'])}</h2>
        <Field label={['承認ID', 'Approval id']} name="approval" required value={f.approval} set={set('approval')} />
        <Field label={['データセット名', 'Dataset name']} name="dataset" required value={f.dataset} set={set('dataset')} />
        <Field label={['利用目的ID', 'Purpose id']} name="purpose" required value={f.purpose} set={set('purpose')} />
        <Certificate value={f.certificate} set={set('certificate')} />
        <button type="submit">{t(['ファイルを作成', 'Write the file'])}</button>
        {out && (
          <p role="status" data-testid="takeout-exported">
            {t([`持ち出し ${out.id} を記録しました (${out.state_ja ?? out.state})。`, `Take-out ${out.id} recorded (${out.state}).`])}{' '}
            <button type="button" onClick={() => void save()}>{t(['暗号化ファイルをダウンロード', 'Download the encrypted file'])}</button>{' '}
            <button type="button" onClick={() => setManifest(true)}>{t(['明細を表示', 'Show the manifest'])}</button>
          </p>
        )}
        <Refusal problem={refused} />
      </form>
      {out && manifest && <TakeoutManifest id={out.id} />}
    </>
  );
}

function Register() {
  const { data, problem, reload } = useApi<any>('takeouts', { open: 'true' });
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const [shown, setShown] = useState('');
  async function confirm(id: string, disposition: 'returned' | 'destroyed') {
    setDone('');
    if (await attempt(() => api('POST', `takeouts/${encodeURIComponent(id)}/confirm`, { disposition }))) {
      setDone(t(['確認しました', 'Confirmed']));
      reload();
    }
  }
  if (problem?.status === 403) {
    return <p class="help">{t(['持ち出しの台帳は、管理者・監査担当のみ閲覧できます。', 'The take-out register is for managers and auditors.'])}</p>;
  }
  const list: any[] = data?.takeouts ?? [];
  return (
    <>
      <Refusal problem={problem ?? refused} />
      {done && <p role="status" data-testid="takeout-done">{done}</p>}
      <table data-testid="takeouts">
        <caption>{t(['持出中の持ち出し', 'Take-outs not yet confirmed'])}</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">{t(['データセット', 'Dataset'])}</th><th scope="col">{t(['持出者', 'Exporter'])}</th>
          <th scope="col">{t(['持出日時', 'Exported'])}</th><th scope="col">{t(['期限', 'Until'])}</th>
          <th scope="col">{t(['記録・項目', 'Records, fields'])}</th>
          <th scope="col">{t(['状態', 'State'])}</th><th scope="col">{t(['確認', 'Confirm'])}</th>
        </tr></thead>
        <tbody>
          {list.map((x) => (
            <tr key={x.id} data-id={x.id} class={x.overdue ? 'overdue' : undefined}>
              <td>{x.id}</td><td>{x.dataset}</td><td>{x.exported_by}</td><td><When value={x.exported_at} /></td>
              <td>{x.until}</td><td>{selectionText(x, lang.value)}</td><td>{x.overdue ? t(['期限超過', 'overdue']) : (x.state_ja ?? x.state)}</td>
              <td>
                <button type="button" onClick={() => void confirm(x.id, 'returned')}>{t(['返却を確認', 'Returned'])}</button>{' '}
                <button type="button" onClick={() => void confirm(x.id, 'destroyed')}>{t(['廃棄を確認', 'Destroyed'])}</button>{' '}
                <button type="button" onClick={() => setShown(x.id)}>{t(['明細', 'Manifest'])}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && <TakeoutManifest id={shown} />}
    </>
  );
}

export function Takeouts() {
  return (
    <section aria-labelledby="takeouts-title">
      <h1 id="takeouts-title">{t(['持ち出し', 'Take-outs'])}</h1>
      <Register />
      <Apply />
      <Export />
    </section>
  );
}
