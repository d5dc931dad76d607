// Disposal certificates (削除・廃棄の記録／証明), printable on A4, one disposal
// per page: what was disposed of (identifiers only, lib/disposal.ts), the
// method, when, by whom, the approval it was done under with its decisions,
// and the engine's signature. For the readers of disposals (the ledger's
// readers, disposal.list); others are refused, and told whom it is for.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { lang, t } from '../i18n';
import { certificateItems, decisionsOf, TIME_ITEMS } from '../lib/disposal';
import { useSignal } from '../signal';
import { Choice, Refusal, useApi, When } from './common';
import { PrintButton, PrintHeading } from './Print';

function Certificate({ d, n, of }: { d: Record<string, unknown>; n: number; of: number }) {
  const [approval, setApproval] = useState<any>(null);
  const id = typeof d.approval === 'string' ? d.approval : '';
  useEffect(() => {
    if (!id) return;
    // The approval's decisions, when this reader may see it (404 otherwise:
    // the id alone is printed).
    api<any>('GET', `approvals/${encodeURIComponent(id)}`).then(setApproval, (e) => {
      if (!(e instanceof ApiError)) throw e;
    });
  }, [id]);
  const decisions = decisionsOf(approval);
  return (
    <article class="certificate" data-testid="disposal-certificate" data-record={String(d.record ?? '')}
      aria-labelledby={`certificate-${n}`}>
      <h2 id={`certificate-${n}`}>{t(['削除・廃棄証明書', 'Certificate of disposal'])} ({n} / {of})</h2>
      <dl class="entry">
        {certificateItems(d).map(({ key, label, value }) => (
          <div key={key} data-item={key}>
            <dt>{t(label)}</dt>
            <dd class={key === 'signature' || key === 'key_fingerprint' ? 'hash' : undefined}>
              {TIME_ITEMS.has(key) ? <When value={value} /> : value}
            </dd>
          </div>
        ))}
        {!id && (
          <div data-item="approval"><dt>{t(['承認', 'Approval'])}</dt>
            <dd>{t(['なし (保存期間満了による廃棄)', 'none (disposed of when the retention ended)'])}</dd></div>
        )}
        {decisions.map((x) => (
          <div key={`${x.stage}-${x.by}`} data-item="decision">
            <dt>{t([`承認 第${x.stage}段階`, `Approval, stage ${x.stage}`])}</dt>
            <dd>{x.by} — {x.decision === 'approved' ? t(['承認', 'approved']) : t(['却下', 'rejected'])} (<When value={x.at} />)</dd>
          </div>
        ))}
      </dl>
      <p class="help">{t(['この記録は監査鍵で署名されています。個人を特定する情報は記載していません。',
        'This record is signed with the audit key. It names no personal data.'])}</p>
    </article>
  );
}

export function Disposals() {
  useSignal(lang);
  const datasets = useApi<{ datasets: { name: string; title?: string }[] }>('datasets');
  const [dataset, setDataset] = useState('');
  const { data, problem } = useApi<any>(dataset ? 'disposals' : null, { dataset, limit: '200' }, [dataset]);
  const list: Record<string, unknown>[] = data?.disposals ?? [];
  return (
    <section aria-labelledby="disposals-title">
      <h1 id="disposals-title">{t(['削除・廃棄の記録', 'Disposal records'])}</h1>
      <PrintHeading title={['削除・廃棄証明書', 'Certificates of disposal']} />
      <p class="help no-print">{t(['データセットを選ぶと、その廃棄記録を1件1ページの証明書として印刷できます (A4)。',
        'Choose a dataset: its disposal records print as certificates, one per A4 page.'])}</p>
      <div class="no-print">
        <Choice label={['データセット', 'Dataset']} name="disposal-dataset" value={dataset} set={setDataset}
          options={(datasets.data?.datasets ?? []).map((x) => [x.name, x.title ? `${x.title} (${x.name})` : x.name])}
          placeholder={['— 選んでください —', '— choose —']} />
        {' '}<PrintButton />
      </div>
      <Refusal problem={datasets.problem} />
      {problem && (
        <div data-testid="disposals-refused">
          <Refusal problem={problem} />
          <p class="help">{t(['廃棄記録は、台帳を参照できる人 (管理者・各責任者・監査担当・システム管理者) が参照できます。',
            'Disposal records are for the ledger\'s readers (managers, officers, auditors, the administrator).'])}</p>
        </div>
      )}
      {data && !problem && (
        <p data-testid="disposals-count">{t([`廃棄記録 ${list.length} 件`, `${list.length} disposal record(s)`])}</p>
      )}
      {list.map((d, i) => <Certificate key={String(d.record ?? i)} d={d} n={i + 1} of={list.length} />)}
    </section>
  );
}
