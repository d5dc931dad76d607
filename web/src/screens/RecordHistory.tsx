// One record's history (its versions, masked as the server masks them for
// this person and purpose), its end of use (利用終了: the day from which the
// retention period is counted; the sweep shreds the record when it is
// over) and its disposal before that (廃棄), which names an approved
// non-standard-work request of the person disposing and a reason code
// ([003 V(4)①D]). Each is a data operation the server authorises
// (record.history, record.end_use, record.shred) and may refuse.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { jstDayAhead } from '../lib/dates';
import { Day, Field, Refusal, showValue, useApi, useRefusal, When } from './common';

interface Props {
  dataset: string;
  purpose: string;
  id: string;
  fields: { name: string; title?: string }[];
}

export function RecordHistory({ dataset, purpose, id, fields }: Props) {
  const path = `datasets/${encodeURIComponent(dataset)}/records/${encodeURIComponent(id)}`;
  const { data, problem, reload } = useApi<{ versions: any[] }>(`${path}/history`, { purpose });
  const { refused, attempt } = useRefusal();
  const [date, setDate] = useState(jstDayAhead(0));
  const [deadline, setDeadline] = useState<string | null>(null);
  const [disposal, setDisposal] = useState({ approval: '', reason: 'purpose_ended', reference: '' });
  const [disposed, setDisposed] = useState('');

  async function endUse(e: Event) {
    e.preventDefault();
    setDeadline(null);
    const r = await attempt(() => api<any>('POST', `${path}/end-use`, { date }, { purpose }));
    if (r) {
      setDeadline(r.retention_deadline ?? '');
      reload();
    }
  }

  async function dispose(e: Event) {
    e.preventDefault();
    setDisposed('');
    const r = await attempt(() => api<any>('DELETE', path, undefined, disposal));
    if (r) setDisposed(r.id ?? id);
  }

  const versions = data?.versions ?? [];
  return (
    <section aria-labelledby="history-title" data-testid="record-history">
      <h2 id="history-title">{t([`記録 ${id} の履歴`, `History of record ${id}`])}</h2>
      <Refusal problem={problem} />
      {data && (
        <table data-testid="versions">
          <caption class="sr-only">{t(['版の一覧 (マスク表示)', 'Versions (masked)'])}</caption>
          <thead><tr>
            <th scope="col">{t(['版', 'Version'])}</th>
            <th scope="col">{t(['更新日時', 'Updated'])}</th>
            <th scope="col">{t(['更新者', 'By'])}</th>
            <th scope="col">{t(['利用終了日', 'End of use'])}</th>
            <th scope="col">{t(['保存期限', 'Retention deadline'])}</th>
            {fields.map((f) => <th key={f.name} scope="col">{f.title ?? f.name}</th>)}
          </tr></thead>
          <tbody>
            {versions.map((v, i) => (
              <tr key={v._meta?.version ?? i}>
                <td>{v._meta?.version}</td>
                <td><When value={v._meta?.updated_at} /></td>
                <td>{v._meta?.updated_by}</td>
                <td data-testid="end-of-use"><Day value={v._meta?.end_of_use} /></td>
                <td><Day value={v._meta?.retention_deadline} /></td>
                {fields.map((f) => <td key={f.name}>{showValue(v[f.name])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={endUse} aria-labelledby="end-use-title">
        <h3 id="end-use-title">{t(['利用終了の記録', 'Record the end of use'])}</h3>
        <p class="help">
          {t(['利用終了日から保存期間を数え、期間が過ぎると記録は廃棄されます。',
            'The retention period is counted from this day; when it is over the record is disposed of.'])}
        </p>
        <Field label={['利用終了日 (JST)', 'End of use (JST)']} name="end-use-date" type="date" required value={date} set={setDate} />
        <button type="submit">{t(['利用終了を記録', 'Record the end of use'])}</button>
      </form>
      <form onSubmit={dispose} aria-labelledby="dispose-title">
        <h3 id="dispose-title">{t(['廃棄 (保存期間満了前)', 'Dispose of it before its retention ends'])}</h3>
        <p class="help">
          {t(['保存期間満了前の廃棄は規格外作業です。承認済みの自分の申請IDと理由コードを指定します。',
            'Disposal before the retention ends is non-standard work: name your approved request and a reason code.'])}
        </p>
        <Field label={['承認ID (規格外作業)', 'Approval ID (non-standard work)']} name="dispose-approval"
          value={disposal.approval} set={(v) => setDisposal({ ...disposal, approval: v })} />
        <Field label={['廃棄理由コード', 'Reason code']} name="dispose-reason" required
          value={disposal.reason} set={(v) => setDisposal({ ...disposal, reason: v })} />
        <button type="submit">{t(['廃棄する', 'Dispose'])}</button>
      </form>
      <Refusal problem={refused} />
      {disposed && <p role="status" data-testid="disposed">{t(['廃棄しました', 'Disposed of'])}: {disposed}</p>}
      {deadline !== null && (
        <p role="status" data-testid="end-use-done">
          {t(['利用終了を記録しました。保存期限: ', 'End of use recorded. Retention deadline: '])}
          <Day value={deadline} />
        </p>
      )}
    </section>
  );
}
