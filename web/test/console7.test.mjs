// Unit tests of a terminal's change (only the members changed are sent,
// src/lib/terminal.ts) and of a disposal certificate's items (identifiers
// only, never the subject, src/lib/disposal.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalDetails, terminalPatch } from '../build-unit/terminal.js';
import { listOf } from '../build-unit/rights.js';
import { certificateItems, decisionsOf } from '../build-unit/disposal.js';

const FP = 'ab'.repeat(32);
const T = terminalDetails({ id: 'soumu-madoguchi-1', fingerprint: FP, description: '総務部 窓口', controlled_area: true, state: 'active' });

test('a terminal as the API answers it becomes the form', () => {
  assert.deepEqual(T, { fingerprint: FP, description: '総務部 窓口', controlled_area: true });
  assert.deepEqual(terminalDetails({}), { fingerprint: '', description: '', controlled_area: false });
});

test('nothing changed sends nothing', () => {
  assert.deepEqual(terminalPatch(T, { ...T }), {});
  // Surrounding spaces, the fingerprint's case, colons: not changes.
  assert.deepEqual(terminalPatch(T, { ...T, description: ' 総務部 窓口 ', fingerprint: FP.toUpperCase().match(/../g).join(':') }), {});
});

test('each member changed is sent alone', () => {
  assert.deepEqual(terminalPatch(T, { ...T, description: '総務部 窓口 2番' }), { description: '総務部 窓口 2番' });
  assert.deepEqual(terminalPatch(T, { ...T, controlled_area: false }), { controlled_area: false });
  const renewed = 'cd'.repeat(32);
  assert.deepEqual(terminalPatch(T, { ...T, fingerprint: renewed.toUpperCase() }), { fingerprint: renewed });
  assert.deepEqual(terminalPatch(T, { fingerprint: renewed, description: 'x', controlled_area: false }),
    { fingerprint: renewed, description: 'x', controlled_area: false });
});

test('an emptied description is sent (the server decides), an emptied fingerprint too', () => {
  assert.deepEqual(terminalPatch(T, { ...T, description: '' }), { description: '' });
  assert.deepEqual(terminalPatch(T, { ...T, fingerprint: '' }), { fingerprint: '' });
});

test('approvers typed as lists', () => {
  assert.deepEqual(listOf('ciso, deputy_ciso、chief_officer\u3000x'), ['ciso', 'deputy_ciso', 'chief_officer', 'x']);
  assert.deepEqual(listOf(''), []);
});

const DISPOSAL = {
  type: 'disposal', dataset: 'employee_my_number', record: 'r-0001', subject: 'SUBJECT-SECRET',
  versions_destroyed: 3, method: 'crypto_shred', reason: 'retention_ended', requested_by: 'tanaka_kacho',
  terminal: 'soumu-madoguchi-1', requested_at: '2026-12-01T01:00:00Z', disposed_at: '2026-12-01T02:00:00Z',
  audit_seq: 42, key_fingerprint: 'ef'.repeat(32), signature: 'c2lnbmF0dXJl', approval: 'A00000007',
  name: '山田 太郎', extra: { nested: true },
};

test('a certificate names what was disposed of, never the subject nor unknown members', () => {
  const items = certificateItems(DISPOSAL);
  const keys = items.map((x) => x.key);
  assert.deepEqual(keys, ['dataset', 'record', 'versions_destroyed', 'method', 'reason', 'requested_by', 'terminal',
    'requested_at', 'disposed_at', 'approval', 'audit_seq', 'key_fingerprint', 'signature']);
  const text = JSON.stringify(items);
  assert.ok(!text.includes('SUBJECT-SECRET'), 'no subject');
  assert.ok(!text.includes('山田'), 'no member outside the list');
  assert.equal(items.find((x) => x.key === 'versions_destroyed').value, '3');
  for (const x of items) assert.equal(x.label.length, 2, `${x.key}: Japanese and English`);
});

test('a retention-sweep disposal has no approval item; decisions read from the approval', () => {
  const { approval, ...swept } = DISPOSAL;
  assert.ok(!certificateItems(swept).some((x) => x.key === 'approval'));
  assert.deepEqual(decisionsOf({ decisions: [{ stage: 1, by: 'suzuki_bucho', decision: 'approved', at: '2026-12-01T00:30:00Z' }] }),
    [{ stage: 1, by: 'suzuki_bucho', decision: 'approved', at: '2026-12-01T00:30:00Z' }]);
  assert.deepEqual(decisionsOf(null), []);
  assert.deepEqual(decisionsOf({ decisions: 'x' }), []);
});

test('the disposal records are offered to a session allowed disposal.list only', async () => {
  const { offers } = await import('../build-unit/nav.js');
  assert.ok(offers('disposals', ['disposal.list']));
  assert.ok(offers('disposals', ['user.list', 'disposal.list']));
  // Neither the ledger's other operations nor a role's name offer it.
  for (const ops of [['dataset.ledger'], ['register.read'], ['section_manager'], ['record.shred'], []]) {
    assert.ok(!offers('disposals', ops), ops.join() || 'no operation');
  }
});
