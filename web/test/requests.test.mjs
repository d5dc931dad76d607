// Unit tests of the bodies the console sends for the rights flow's
// requests and a take-out's selection (src/lib/rights.ts, src/lib/takeout.ts):
// each kind sends only the members the server takes for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CREDENTIALS, emptyRequestForm, endOfJstDay, KIND_INPUTS, listOf, requestBody, requestPath, withRight } from '../build-unit/rights.js';
import { selectionTerms, selectionText } from '../build-unit/takeout.js';

const MEMBERS = {
  use: ['right', 'reason'],
  change: ['kind', 'grant', 'right', 'reason'],
  removal: ['kind', 'grant', 'reason'],
  reinstate: ['kind', 'grant', 'person', 'reason'],
  terminals: ['kind', 'dataset', 'terminals', 'reason'],
  mask_rule: ['kind', 'mask_scope', 'mask_rule', 'reason'],
  role_add: ['kind', 'person', 'role', 'reason'],
  role_remove: ['kind', 'person', 'role', 'reason'],
  credential_reset: ['kind', 'person', 'credential', 'reason'],
};

test('each kind of request sends only the members it takes', () => {
  for (const kind of Object.keys(KIND_INPUTS)) {
    const body = requestBody({ ...emptyRequestForm(kind), reason: '異動のため', grant: 'G1', person: 'p', role: 'r', dataset: 'd' });
    assert.deepEqual(Object.keys(body).sort(), [...MEMBERS[kind]].sort(), kind);
    // A use application has its own route (anyone applies); its body has no kind.
    assert.equal(body.kind, kind === 'use' ? undefined : kind);
    assert.equal(requestPath({ ...emptyRequestForm(kind) }), kind === 'use' ? 'rights/uses' : 'rights/requests');
  }
});

test('a credential reset names the person and the credential, nothing of a grant or role', () => {
  for (const credential of CREDENTIALS) {
    assert.deepEqual(
      requestBody({ ...emptyRequestForm('credential_reset'), person: ' sato_hanako ', credential, grant: 'G1', role: 'admin',
        dataset: 'd', terminals: 't1', reason: '認証アプリの紛失' }),
      { kind: 'credential_reset', person: 'sato_hanako', credential, reason: '認証アプリの紛失' });
  }
  assert.deepEqual(CREDENTIALS, ['password', 'totp', 'certificate']); // the API's enum
  assert.equal(requestPath(emptyRequestForm('credential_reset')), 'rights/requests');
});

test('a request without a reason sends none (the server decides whether it needs one)', () => {
  assert.equal('reason' in requestBody({ ...emptyRequestForm('removal'), grant: 'G1', reason: '  ' }), false);
});

test('lists typed with commas, 、 and full-width spaces', () => {
  assert.deepEqual(listOf('t1, t2、t3\u3000t4，t5'), ['t1', 't2', 't3', 't4', 't5']);
  assert.deepEqual(listOf(' '), []);
  assert.deepEqual(requestBody({ ...emptyRequestForm('terminals'), dataset: ' ds ', terminals: 'a、b' }),
    { kind: 'terminals', dataset: 'ds', terminals: ['a', 'b'] });
});

test('the end of a JST day in UTC', () => {
  assert.equal(endOfJstDay('2026-12-31'), '2026-12-31T14:59:59Z');
  assert.equal(endOfJstDay('2027-01-01'), '2027-01-01T14:59:59Z');
  assert.equal(endOfJstDay('2026-13'), '');
});

test('a use application: named persons until the end of a JST day', () => {
  const f = { ...emptyRequestForm('use'), category: 'personal_information', rightDataset: 'ds', operation: 'read',
    purpose: 'p', department: '総務部', persons: 'a, b', expires: '2026-12-24' };
  assert.deepEqual(requestBody(f).right, {
    role: 'handler', category: 'personal_information', dataset: 'ds', operation: 'read', department: '総務部',
    purpose: 'p', persons: ['a', 'b'], expires: '2026-12-24T14:59:59Z',
  });
});

test('a change starts from the granted right; a grant has no expiry unless a use', () => {
  const right = { role: 'handler', category: 'c', dataset: 'ds', operation: 'find', purpose: 'p', department: 'd', persons: ['x'], unmask: true };
  const f = withRight({ ...emptyRequestForm('change'), grant: 'G9', expires: '2026-12-24' }, right);
  const body = requestBody(f);
  assert.equal(body.grant, 'G9');
  assert.deepEqual(body.right, right);
  assert.equal(withRight(f, undefined), f);
});

test('a mask rule by field type or by a dataset field; removed with null', () => {
  const byType = requestBody({ ...emptyRequestForm('mask_rule'), scopeType: 'phone', clearTo: 'unmask', maskPurposes: 'a,b', otherwise: 'full' });
  assert.deepEqual(byType.mask_scope, { type: 'phone' });
  assert.deepEqual(byType.mask_rule, { clear_to: 'unmask', purposes: ['a', 'b'], otherwise: 'full' });
  const byField = requestBody({ ...emptyRequestForm('mask_rule'), scopeDataset: 'ds', scopeField: 'f', removeRule: true });
  assert.deepEqual(byField.mask_scope, { dataset: 'ds', field: 'f' });
  assert.equal(byField.mask_rule, null);
});

test("a take-out's selection: every record, or the records named; fields when named", () => {
  assert.deepEqual(selectionTerms({ all: true, records: 'ignored', fields: '' }), { all: true });
  assert.deepEqual(selectionTerms({ all: true, records: '', fields: 'name, account' }), { all: true, fields: ['name', 'account'] });
  assert.deepEqual(selectionTerms({ all: false, records: 'r1、r2', fields: '' }), { all: false, records: ['r1', 'r2'] });
  assert.equal(selectionText({ records: 3, fields: ['name'] }, 'ja'), '3件 / name');
  assert.equal(selectionText({ records: 1, fields: [] }, 'en'), '1 record / every field');
  assert.equal(selectionText({}, 'ja'), '全項目');
});
