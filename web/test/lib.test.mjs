// Unit tests of the console's own logic (node --test), on the compiled
// src/lib (tsc -p tsconfig.unit.json → build-unit/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCivilDate, formatDateTime, formatNumber, jstDayAhead, toJst, wareki } from '../build-unit/dates.js';
import { displayValue } from '../build-unit/display.js';
import { hiraganaToKatakana, isKana, normalizeKana, normalizeName } from '../build-unit/kana.js';
import { characterClasses, checkPassword } from '../build-unit/password.js';
import { ADMINISTRATION, SCREEN_OPERATIONS, administers, offers, operationsOf } from '../build-unit/nav.js';
import { QUIET_ZONE, qrModules, qrPicture } from '../build-unit/qr.js';

test('JST is UTC+9 across the date line', () => {
  assert.deepEqual(toJst(new Date('2026-12-07T15:30:05Z')), { year: 2026, month: 12, day: 8, hour: 0, minute: 30, second: 5 });
});

test('JST calendar days ahead, across the date line and a month end', () => {
  // 2026-03-31 15:00 UTC is already 2026-04-01 in Japan.
  const now = Date.UTC(2026, 2, 31, 15, 0, 0);
  assert.equal(jstDayAhead(0, now), '2026-04-01');
  assert.equal(jstDayAhead(-1, now), '2026-03-31');
  assert.equal(jstDayAhead(7, Date.UTC(2026, 2, 31, 14, 59, 59)), '2026-04-07');
});

test('和暦: era boundaries and 元年', () => {
  assert.deepEqual(wareki(2019, 4, 30), { era: '平成', eraEn: 'Heisei', year: 31 });
  assert.deepEqual(wareki(2019, 5, 1), { era: '令和', eraEn: 'Reiwa', year: 1 });
  assert.deepEqual(wareki(1989, 1, 7), { era: '昭和', eraEn: 'Showa', year: 64 });
  assert.deepEqual(wareki(1989, 1, 8), { era: '平成', eraEn: 'Heisei', year: 1 });
  assert.equal(wareki(1872, 12, 31), undefined);
  assert.equal(formatCivilDate('2019-05-01', 'wareki', 'ja'), '令和元年5月1日');
  assert.equal(formatCivilDate('2026-12-07', 'wareki', 'ja'), '令和8年12月7日');
  assert.equal(formatCivilDate('2026-12-07', 'seireki', 'ja'), '2026年12月7日');
  assert.equal(formatCivilDate('2026-12-07', 'wareki', 'en'), 'Reiwa 8 (2026)-12-07');
  assert.equal(formatCivilDate('not a date', 'wareki', 'ja'), 'not a date');
});

test('instants in JST, both eras and languages', () => {
  // 2019-04-30T15:00Z is 令和元年5月1日 00:00 JST: the era follows JST.
  assert.equal(formatDateTime('2019-04-30T15:00:00Z', 'wareki', 'ja'), '令和元年5月1日 00:00:00 JST');
  assert.equal(formatDateTime('2019-04-30T14:59:59Z', 'wareki', 'ja'), '平成31年4月30日 23:59:59 JST');
  assert.equal(formatDateTime('2026-12-07T09:00:00Z', 'seireki', 'en'), '2026-12-07 18:00:00 JST');
  assert.equal(formatDateTime(null, 'seireki', 'en'), '');
  assert.equal(formatDateTime('garbage', 'seireki', 'en'), '');
});

test('numbers and yen', () => {
  assert.equal(formatNumber(20000000, 'ja', true), '20,000,000円');
  assert.equal(formatNumber(1234, 'en', true), '¥1,234');
  assert.equal(formatNumber(999, 'ja'), '999');
});

test('kana of any width, hiragana or katakana, compare equal', () => {
  assert.equal(normalizeKana('ﾔﾏﾀﾞ ﾀﾛｳ'), 'ヤマダ タロウ');
  assert.equal(normalizeKana('やまだ　たろう'), 'ヤマダ タロウ');
  assert.equal(normalizeKana('  ヤマダ   タロウ '), 'ヤマダ タロウ');
  assert.equal(hiraganaToKatakana('ゔぁゝ'), 'ヴァヽ');
  assert.equal(normalizeName('ＡＢＣ　山田'), 'ABC 山田');
  assert.ok(isKana('やまだ'));
  assert.ok(isKana('ﾔﾏﾀﾞ'));
  assert.ok(!isKana('山田'));
  assert.ok(!isKana(''));
});

test('password rules as the user types', () => {
  const rules = { min_length: 12, min_classes: 3 };
  assert.equal(characterClasses('abcDEF123!'), 4);
  assert.equal(characterClasses('パスワード'), 1);
  const weak = checkPassword('abc', 'abc', rules);
  assert.deepEqual(weak.map((r) => r.ok), [false, false, true]);
  assert.match(weak[0].ja, /12文字以上 \(現在 3文字\)/);
  const strong = checkPassword('Mamori-Test-2026', 'Mamori-Test-2026', rules);
  assert.ok(strong.every((r) => r.ok));
  assert.equal(checkPassword('Mamori-Test-2026', 'x', rules)[2].ok, false);
  // Code points, not UTF-16 units.
  assert.match(checkPassword('𠮷'.repeat(3), '', rules)[0].ja, /現在 3文字/);
});

test('CSV for Excel: BOM, CRLF, quoting, no formulas', async () => {
  const { toCsv, csvField, rowsOf, columnsOf } = await import('../build-unit/csv.js');
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['改行\nあり', null]]),
    '\ufeffa,b\r\n"x,y","say ""hi"""\r\n"改行\nあり",\r\n');
  assert.equal(csvField('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvField('-1'), "'-1");
  assert.equal(csvField({ k: 1 }), '"{""k"":1}"');
  assert.deepEqual(rowsOf({ next_cursor: null, events: [{ a: 1 }] }), [{ a: 1 }]);
  assert.deepEqual(rowsOf([{ a: 1 }]), [{ a: 1 }]);
  assert.deepEqual(rowsOf('x'), []);
  assert.deepEqual(columnsOf([{ a: 1, b: 2 }, { c: 3, a: 4 }]), ['a', 'b', 'c']);
});

test("records search: each purpose with the person's standing, as the server answered", async () => {
  const { standing, purposesByStanding } = await import('../build-unit/datasets.js');
  const ds = {
    name: 'employee_my_number',
    purposes: [{ id: 'social_insurance' }, { id: 'withholding' }, { id: 'payroll' }],
    searchable_purposes: ['withholding'],
    listable_purposes: ['withholding', 'payroll'],
  };
  assert.equal(standing(ds, 'withholding'), 'find');
  assert.equal(standing(ds, 'payroll'), 'list');
  assert.equal(standing(ds, 'social_insurance'), 'none');
  assert.equal(standing(ds, ''), 'none');
  assert.equal(standing(undefined, 'withholding'), 'none');
  assert.equal(standing({ name: 'x', purposes: [{ id: 'a' }] }, 'a'), 'none', 'no answer: no standing');
  assert.deepEqual(purposesByStanding(ds).map((p) => [p.id, p.standing]),
    [['withholding', 'find'], ['payroll', 'list'], ['social_insurance', 'none']]);
  assert.deepEqual(purposesByStanding(undefined), []);
});

test('a PEM certificate: its SHA-256 fingerprint as openssl prints it', async () => {
  const { pemToDer, sha256Fingerprint } = await import('../build-unit/pem.js');
  const der = Buffer.from('3003020101', 'hex');
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  assert.deepEqual(Buffer.from(pemToDer(pem)), der);
  const { createHash } = await import('node:crypto');
  assert.equal(await sha256Fingerprint(pem), createHash('sha256').update(der).digest('hex'));
  assert.equal(pemToDer('not a certificate'), null);
  assert.equal(await sha256Fingerprint('-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----'), null);
});

test('table cells: JST times, who and when, a right by its parts', () => {
  assert.equal(displayValue('2026-11-30T01:00:11.316116Z', 'wareki', 'ja'), '令和8年11月30日 10:00:11 JST');
  assert.equal(displayValue('2026-11-30', 'wareki', 'ja'), '2026-11-30');
  assert.equal(displayValue({ by: 'suzuki_bucho', by_name: '鈴木 部長', at: '2026-11-30T01:00:11Z' }, 'seireki', 'ja'),
    '鈴木 部長 2026年11月30日 10:00:11 JST');
  assert.equal(displayValue({ by: 'soumu_kanri' }, 'wareki', 'ja'), 'soumu_kanri');
  assert.equal(displayValue({ dataset: 'employee_my_number', operation: 'read', nested: { x: 1 } }, 'wareki', 'ja'), 'employee_my_number / read');
  assert.equal(displayValue(['a', 'b'], 'wareki', 'ja'), 'a, b');
  assert.equal(displayValue(null, 'wareki', 'ja'), '');
  assert.equal(displayValue(false, 'wareki', 'ja'), 'false');
});

test('navigation: the screens offered follow the operations the server allows the session', () => {
  // A handler's session as the server answers it (no ledger, people, log).
  const handler = ['dataset.list', 'approval.submit', 'rights.use_request', 'incident.report', 'exception.apply'];
  assert.equal(offers('admin', handler), false);
  assert.equal(offers('ledger', handler), false);
  assert.equal(offers('report', handler), false);
  assert.equal(offers('inquiries', handler), false);
  assert.equal(offers('audit', handler), false);
  assert.equal(offers('rights', handler), false);
  // The screens for everyone need no operation at all.
  for (const id of ['work', 'records', 'approvals', 'exceptions', 'rights-flow', 'takeouts', 'incidents', 'governance', 'audit-verify']) {
    assert.equal(offers(id, []), true, id);
  }
  // Each gated screen by one of its operations, and by no other.
  for (const [id, ops] of Object.entries(SCREEN_OPERATIONS)) {
    assert.equal(offers(id, []), false, id);
    for (const op of ops) assert.equal(offers(id, [op]), true, `${id} by ${op}`);
    assert.equal(offers(id, ['approval.submit', 'dataset.list']), false, id);
  }
  assert.equal(offers('admin', ['user.list']), true); // a manager reads the people
  assert.equal(offers('admin', ['terminal.list']), true);
  assert.equal(offers('ledger', ['dataset.ledger']), true);
  assert.equal(offers('inquiries', ['inquiry.show']), true);
  assert.equal(offers('registers', ['register.keep']), true);
  // Roles are not operations: a role name offers nothing.
  assert.equal(offers('admin', ['admin']), false);
  assert.equal(offers('ledger', ['auditor']), false);
});

test('navigation: the administrator\'s forms for a session allowed one of those steps only', () => {
  assert.equal(administers([]), false);
  assert.equal(administers(['user.list', 'user.show', 'rights.approve']), false); // a manager
  for (const op of ADMINISTRATION) assert.equal(administers([op]), true, op);
  assert.equal(administers(['admin']), false, 'a role name is not an operation');
});

test('navigation: the operations of a session answer, none when absent or malformed', () => {
  assert.deepEqual(operationsOf({ operations: ['user.list', 'dataset.ledger'] }), ['user.list', 'dataset.ledger']);
  assert.deepEqual(operationsOf({ principal: { roles: ['admin'] } }), []);
  assert.deepEqual(operationsOf({ operations: 'user.list' }), []);
  assert.deepEqual(operationsOf({ operations: ['user.list', 3, null] }), ['user.list']);
  assert.deepEqual(operationsOf(null), []);
});

test('QR code: the symbol of an otpauth URI, its finder and timing patterns, the path covering the dark modules', () => {
  const uri = 'otpauth://totp/mamori:soumu_kanri?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=mamori&algorithm=SHA256&digits=6&period=30';
  const m = qrModules(uri);
  const n = m.length;
  // 123 bytes at level M: version 8, 49 modules a side (version 7 holds 122).
  assert.equal(n, 49);
  assert.equal(qrModules(uri.slice(0, 122)).length, 45);
  for (const [r0, c0] of [[0, 0], [0, n - 7], [n - 7, 0]]) {
    for (let i = 0; i < 7; i++) {
      assert.equal(m[r0][c0 + i], true, 'finder top edge');
      assert.equal(m[r0 + 6][c0 + i], true, 'finder bottom edge');
    }
    assert.equal(m[r0 + 1][c0 + 1], false, 'finder ring');
    assert.equal(m[r0 + 3][c0 + 3], true, 'finder centre');
  }
  for (let i = 8; i < n - 8; i++) assert.equal(m[6][i], i % 2 === 0, 'timing pattern');
  const pic = qrPicture(uri);
  assert.equal(pic.extent, n + 2 * QUIET_ZONE);
  let covered = 0;
  for (const [, w] of pic.path.matchAll(/h(\d+)v1/g)) covered += Number(w);
  assert.equal(covered, m.flat().filter(Boolean).length);
  assert.deepEqual(qrPicture(uri), pic, 'the same text, the same picture');
  assert.notEqual(qrPicture(uri.replace('JBSW', 'KBSW')).path, pic.path);
});
