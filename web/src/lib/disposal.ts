// A disposal certificate (削除・廃棄の証明) as printed: the members of the
// engine's signed disposal record (GET /v1/disposals) that say what was
// disposed of, how, when, by whom and under which approval — identifiers
// only. The record's `subject` (whose data it was) and any member not named
// here are never shown, so a certificate carries no personal data even if
// the record gains members.
// A Japanese and English pair (i18n.ts's Text; lib/ stays free of the UI's modules).
type Text = readonly [ja: string, en: string];

export const CERTIFICATE_ITEMS: [key: string, label: Text][] = [
  ['dataset', ['データセット', 'Dataset']],
  ['record', ['記録ID', 'Record ID']],
  ['versions_destroyed', ['廃棄した版の数', 'Versions destroyed']],
  ['method', ['廃棄の方法', 'Method']],
  ['reason', ['理由 (コード)', 'Reason (code)']],
  ['reference', ['参照 (文書番号)', 'Reference']],
  ['requested_by', ['廃棄を行った者 (利用者ID)', 'Disposed of by (user ID)']],
  ['terminal', ['端末', 'Terminal']],
  ['requested_at', ['依頼日時', 'Requested']],
  ['disposed_at', ['廃棄日時', 'Disposed of']],
  ['approval', ['承認 (申請ID)', 'Approval (request ID)']],
  ['audit_seq', ['監査ログの連番', 'Audit log sequence number']],
  ['key_fingerprint', ['署名鍵の指紋', 'Signing key fingerprint']],
  ['signature', ['署名 (Base64)', 'Signature (Base64)']],
];

// Members holding a time (shown in JST).
export const TIME_ITEMS = new Set(['requested_at', 'disposed_at']);

// The items of one certificate, in order, those the record has.
export function certificateItems(d: Record<string, unknown>): { key: string; label: Text; value: string }[] {
  const out: { key: string; label: Text; value: string }[] = [];
  for (const [key, label] of CERTIFICATE_ITEMS) {
    const v = d[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    out.push({ key, label, value: String(v) });
  }
  return out;
}

// The approvals' decisions as "stage n: who, decision, when" (identifiers).
export function decisionsOf(approval: unknown): { stage: number; by: string; decision: string; at: string }[] {
  const ds = (approval as { decisions?: unknown })?.decisions;
  if (!Array.isArray(ds)) return [];
  return ds.map((d: any) => ({ stage: Number(d?.stage ?? 0), by: String(d?.by ?? ''), decision: String(d?.decision ?? ''), at: String(d?.at ?? '') }));
}
