// A take-out's manifest (持ち出し明細): which records, at which version,
// went into the encrypted file, with the SHA-256 of the manifest the
// take-out record keeps, so that what was taken out can be checked against
// what comes back [002 第47-49条]. Shown to the exporter, the approvers and
// the register's readers (the server answers 404 to anyone else);
// printable (A4).
import { t } from '../i18n';
import { PrintButton, PrintHeading } from './Print';
import { Refusal, useApi } from './common';

export function TakeoutManifest({ id }: { id: string }) {
  const { data, problem } = useApi<any>(`takeouts/${encodeURIComponent(id)}/manifest`, undefined, [id]);
  const records: any[] = data?.records ?? [];
  return (
    <section aria-labelledby="manifest-title" data-testid="takeout-manifest">
      <h2 id="manifest-title">{t([`持ち出し ${id} の明細`, `Manifest of take-out ${id}`])}</h2>
      <PrintHeading title={['持ち出し明細', 'Take-out manifest']} />
      <Refusal problem={problem} />
      {data && (
        <>
          <dl class="entry">
            <dt>{t(['データセット', 'Dataset'])}</dt><dd>{data.dataset}</dd>
            <dt>{t(['記録の件数', 'Records'])}</dt><dd data-testid="manifest-count">{records.length}</dd>
            <dt>{t(['明細の SHA-256', 'SHA-256 of the manifest'])}</dt><dd><code data-testid="manifest-sha256">{data.manifest_sha256}</code></dd>
          </dl>
          <PrintButton />
          <table data-testid="manifest-records">
            <caption>{t(['持ち出した記録', 'Records taken out'])}</caption>
            <thead><tr><th scope="col">{t(['記録ID', 'Record id'])}</th><th scope="col">{t(['版', 'Version'])}</th></tr></thead>
            <tbody>
              {records.map((r) => <tr key={r.record}><td>{r.record}</td><td>{r.version}</td></tr>)}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
