// The audit log checked against a head the person trusts (監査ログの検証):
// a signed head kept earlier is pasted (or the latest signed head picked)
// and the server answers whether its log contains it — verified, behind
// it (events lost) or diverged from it (rewritten) — as `mamori audit
// verify --trusted-head` does. And the inclusion proof (receipt) of one
// operation by its audit sequence number, which anyone may ask for: the
// event itself only to those who may read events.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { lang, t, type Text } from '../i18n';
import { useSignal } from '../signal';
import { Field, Refusal, useApi, useRefusal } from './common';
import { useJsonText } from './JsonText';

const OUTCOMES: Record<string, Text> = {
  none: ['検証済み: このログは信頼するヘッドを含んでいます', 'Verified: the log contains the trusted head'],
  behind_trusted_head: ['遅れ: ログが信頼するヘッドより短くなっています (イベントの消失)', 'Behind: the log is shorter than the trusted head (events lost)'],
  diverged_from_trusted_head: ['分岐: ログが信頼するヘッドと食い違っています (書き換え)', 'Diverged: the log disagrees with the trusted head (rewritten)'],
};

function Verify({ signed }: { signed: unknown }) {
  const json = useJsonText(['信頼するヘッド (JSON)', 'Trusted head (JSON)'], 7);
  const [result, setResult] = useState<any>(null);
  const { refused, attempt } = useRefusal();
  async function verify(e: Event) {
    e.preventDefault();
    setResult(null);
    const head = json.parse();
    if (!head) return;
    const r = await attempt(() => api('POST', 'audit/verify', head.value));
    if (r !== undefined) setResult(r);
  }
  const outcome: Text | undefined = result ? OUTCOMES[result.problem] : undefined;
  return (
    <form onSubmit={(e) => void verify(e)} aria-labelledby="verify-title">
      <h2 id="verify-title">{t(['信頼するヘッドとの照合', 'Check against a trusted head'])}</h2>
      <p class="help">
        {t([
          '以前に保管した署名付きヘッド (GET /v1/audit/head の "signed") を貼り付けてください。照合は監査人が行えます。',
          'Paste a signed head you kept earlier (the "signed" of GET /v1/audit/head). Auditors may check it.',
        ])}
      </p>
      {signed !== null && signed !== undefined && (
        <button type="button" onClick={() => json.setText(JSON.stringify(signed, null, 2))}>
          {t(['最新の署名付きヘッドを使う', 'Use the latest signed head'])}
        </button>
      )}
      {json.field}
      <button type="submit" disabled={!json.text}>{t(['照合する', 'Check'])}</button>
      <Refusal problem={refused} />
      {result && (
        <div class={result.ok ? 'notice' : 'error'} role="status" data-testid="verify-result"
          data-ok={String(result.ok)} data-problem={result.problem}>
          <p><strong>{outcome ? t(outcome) : t([`検証できません (${result.problem})`, `Not verified (${result.problem})`])}</strong></p>
          {!result.ok && <p>{t([result.reason_ja, result.reason])}</p>}
          <p>
            {t(['信頼するヘッド: ', 'Trusted head: '])}{result.trusted?.size} / <span class="hash">{result.trusted?.root}</span><br />
            {t(['現在のログ: ', 'Current log: '])}{result.current?.size} / <span class="hash">{result.current?.root}</span><br />
            {t(['署名鍵: ', 'Signing key: '])}<span class="hash">{result.key}</span>
          </p>
        </div>
      )}
    </form>
  );
}

function Proof() {
  const [seq, setSeq] = useState('');
  const [proof, setProof] = useState<any>(null);
  const { refused, attempt } = useRefusal();
  async function prove(e: Event) {
    e.preventDefault();
    setProof(null);
    const p = await attempt(() => api('GET', 'audit/proof', undefined, { seq: seq.trim() }));
    if (p !== undefined) setProof(p);
  }
  return (
    <form onSubmit={(e) => void prove(e)} aria-labelledby="proof-title">
      <h2 id="proof-title">{t(['操作の包含証明', 'Inclusion proof of an operation'])}</h2>
      <p class="help">
        {t([
          '操作の応答に含まれる監査番号 (audit_seq) を入力すると、その操作が署名付きヘッドに含まれることの証明を表示します。',
          'Enter the audit sequence number (audit_seq) an operation answered: the proof that it is in a signed head is shown.',
        ])}
      </p>
      <Field label={['監査番号', 'Audit sequence number']} value={seq} set={setSeq} inputMode="numeric" required />
      <button type="submit" disabled={!seq.trim()}>{t(['証明を表示', 'Show the proof'])}</button>
      <Refusal problem={refused} />
      {proof && (
        <div class={proof.verified ? 'notice' : 'error'} role="status" data-testid="proof-result" data-verified={String(proof.verified)}>
          <p><strong>{proof.verified
            ? t([`監査番号 ${proof.seq} はサイズ ${proof.tree_size} のログに含まれています (証明を検証済み)`, `Event ${proof.seq} is in the log of size ${proof.tree_size} (proof verified)`])
            : t(['証明を検証できません', 'The proof does not verify'])}</strong></p>
          <p>
            {t(['葉のハッシュ: ', 'Leaf hash: '])}<span class="hash">{proof.leaf_hash}</span><br />
            {t(['ルート: ', 'Root: '])}<span class="hash">{proof.root}</span><br />
            {t([`証明のハッシュ ${proof.proof?.length ?? 0}個`, `${proof.proof?.length ?? 0} proof hash(es)`])}
          </p>
          {proof.event && <p data-testid="proof-event">{t(['操作: ', 'Operation: '])}{proof.event.operation} ({proof.event.actor})</p>}
        </div>
      )}
    </form>
  );
}

export function AuditVerify() {
  useSignal(lang);
  const { data, problem } = useApi<any>('audit/head');
  return (
    <section aria-labelledby="audit-verify-title">
      <h1 id="audit-verify-title">{t(['監査ログの検証', 'Audit log verification'])}</h1>
      <Refusal problem={problem} />
      {data && (
        <p data-testid="audit-head">
          {t(['現在のログ: ', 'Current log: '])}{data.size} {t(['件', 'events'])} / <span class="hash">{data.root}</span>
        </p>
      )}
      <Verify signed={data?.signed} />
      <Proof />
    </section>
  );
}
