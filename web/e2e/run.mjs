// End-to-end tests of the console in Debian's Chromium (playwright-core,
// no browser download) against a real `mamori serve` on the demo
// organisation. Each test saves a screenshot; axe-core checks every screen
// for serious or critical violations. Prints the cold-load time and the
// gzipped bundle size.
//
//   node e2e/run.mjs MAMORI_BINARY CONSOLE_DIR OUT_DIR
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { registerConsole7 } from './console7.mjs';
import { console8Tests } from './console8.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const [mamori, consoleDir, outDir] = process.argv.slice(2).map((p) => path.resolve(p));
if (!mamori || !consoleDir || !outDir) {
  console.error('usage: node e2e/run.mjs MAMORI_BINARY CONSOLE_DIR OUT_DIR');
  process.exit(2);
}
const shots = path.join(outDir, 'screenshots');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(path.join(root, 'web/node_modules/axe-core/axe.min.js'), 'utf8');
const NEW_PASSWORD = 'Console-E2e-2026!';

function check(cond, what) {
  if (!cond) throw new Error(what);
}

const started = Date.now();
const server = await startServer({ mamori, root, scratch: path.join(outDir, 'scratch'), consoleDir });
console.log(`setup: demo organisation and server in ${Date.now() - started} ms`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

async function newPage() {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, // the server's own generated certificate
    clientCertificates: [{ origin: server.url.replace(/\/$/, ''), ...server.cert }],
    locale: 'ja-JP',
    timezoneId: 'UTC', // the console shows JST whatever the browser's zone
    acceptDownloads: true,
  });
  return { context, page: await context.newPage() };
}

// axe-core injected through the page's own origin would need script-src
// beyond 'self'; evaluate() runs it without relaxing the policy.
async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe on ${name}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(' ')}`).join('; ')}`);
}

async function logon(page, user, password, totp = '') {
  await page.goto(server.consoleUrl);
  await page.getByLabel(/利用者ID/).fill(user);
  await page.getByLabel(/^パスワード$/).fill(password);
  if (totp) await page.getByLabel(/ワンタイム/).fill(totp);
  await page.getByRole('button', { name: 'ログオン' }).click();
  await page.getByTestId('last-logon').or(page.getByRole('heading', { name: 'パスワードの変更' }))
    .or(page.getByRole('alert')).first().waitFor();
}

// First log-on of a demo person: the forced change to NEW_PASSWORD.
const changed = new Set();
async function logonReady(page, user, { waitForShell = true } = {}) {
  if (changed.has(user)) {
    await logon(page, user, NEW_PASSWORD);
    return page.getByTestId('last-logon').waitFor();
  }
  await logon(page, user, server.password);
  await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
  await page.getByLabel('現在のパスワード').fill(server.password);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('新しいパスワード (確認)').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '変更する' }).click();
  if (waitForShell) await page.getByTestId('last-logon').waitFor();
  changed.add(user);
}

async function goTo(page, label) {
  await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

// RFC 6238 with HMAC-SHA-256, 30-second steps, 6 digits (identity/totp.h);
// `ahead` steps after now (the server accepts one either side, and refuses
// a step already used).
function totp(base32, ahead = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + ahead));
  const mac = createHmac('sha256', key).update(step).digest();
  const o = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// The print view (A4 style sheet): no navigation or buttons, the print
// heading shown; saved as an A4 PDF and a screenshot of the print media.
async function printed(page, name) {
  await page.emulateMedia({ media: 'print' });
  check(!(await page.getByRole('navigation').isVisible()), `${name}: no navigation in print`);
  check(await page.getByTestId('print-heading').isVisible(), `${name}: the print heading`);
  const pdf = path.join(outDir, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  check(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', `${name}: an A4 PDF`);
  await page.screenshot({ path: path.join(shots, `print-${name}.png`), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
}

// First log-on of a person whose roles need TOTP: the password change,
// then the enrolment (`during` runs on its screen); the key.
async function logonEnrolling(page, user, during = async () => {}) {
  await logonReady(page, user, { waitForShell: false });
  await page.getByRole('heading', { name: 'ワンタイムパスワードの登録' }).waitFor();
  await page.getByRole('button', { name: '登録を始める' }).click();
  const secret = await page.getByTestId('totp-secret').innerText();
  const modules = Number(await page.getByTestId('qr-code').getAttribute('data-modules'));
  check(modules >= 21 && (modules - 17) % 4 === 0, `a QR code of the otpauth URI (${modules} modules a side)`);
  await during();
  lastStep.set(user, Math.floor(Date.now() / 30000));
  await page.getByLabel(/6桁のコード/).fill(totp(secret));
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByTestId('last-logon').waitFor();
  enrolled.set(user, secret);
  return secret;
}

// The TOTP keys of the people enrolled so far in this run, and the last
// step each used (the server refuses a step already used).
const enrolled = new Map();
const lastStep = new Map();

// A person whose roles need TOTP: enrolled at the first log-on of the run,
// the code (the next step: the enrolment used this one) after that.
async function logonWithTotp(page, user) {
  if (!enrolled.has(user)) return logonEnrolling(page, user);
  // The next step must be a later one than the last used: within the same
  // 30 seconds as that log-on, wait for the next step (a second log-on of
  // the same person soon after, as console8.mjs's test makes).
  const wait = ((lastStep.get(user) ?? 0) * 30000) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 100));
  lastStep.set(user, Math.floor(Date.now() / 30000) + 1);
  await logon(page, user, NEW_PASSWORD, totp(enrolled.get(user), 1));
  await page.getByTestId('last-logon').waitFor();
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('cold load: the log-on screen usable', async ({ page }) => {
  // From the navigation's start (the browser's own clock) to the log-on
  // button being there: a cold cache, a new TLS connection.
  await page.goto(server.consoleUrl, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'ログオン' }).waitFor();
  const ms = Math.round(await page.evaluate(() => performance.now()));
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].toJSON());
  console.log(`cold load: log-on screen usable within ${ms} ms of navigation start (TLS connect ${Math.round(nav.connectEnd - nav.connectStart)} ms, DOMContentLoaded ${Math.round(nav.domContentLoadedEventEnd)} ms)`);
  // The target is 1.5 s (reported above); the test fails only far beyond
  // it, so that a loaded CI machine does not make it flaky.
  check(ms < 5000, `cold load took ${ms} ms`);
  const csp = (await page.request.get(server.consoleUrl)).headers()['content-security-policy'];
  check(csp?.includes("frame-ancestors 'none'"), 'CSP on the console');
  await axe(page, 'log-on');
});

test('log-on, forced password change explained, previous log-on shown', async ({ page }) => {
  await logon(page, 'sato_hanako', server.password);
  await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
  await page.getByLabel('新しいパスワード', { exact: true }).fill('abc');
  check((await page.locator('[data-rule=length]').getAttribute('data-ok')) === 'false', 'short password shown unmet');
  check((await page.locator('[data-rule=length]').innerText()).includes('12文字以上'), 'length rule in Japanese');
  await axe(page, 'password change');
  await page.getByLabel('現在のパスワード').fill(server.password);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('新しいパスワード (確認)').fill(NEW_PASSWORD);
  check((await page.locator('[data-rule=classes]').getAttribute('data-ok')) === 'true', 'classes met');
  await page.getByRole('button', { name: '変更する' }).click();
  changed.add('sato_hanako');
  // The first log-on: the previous one is "none".
  check((await page.getByTestId('last-logon').innerText()).includes('なし'), 'first log-on: no previous');
  await axe(page, 'my work');
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await page.getByTestId('end-reason').waitFor();
  await logon(page, 'sato_hanako', NEW_PASSWORD);
  const last = await page.getByTestId('last-logon').innerText();
  check(/令和\d+年\d+月\d+日 \d\d:\d\d:\d\d JST 成功/.test(last), `previous log-on with date, time and result: ${last}`);
  await page.getByRole('button', { name: '西暦で表示' }).click();
  check(/\d{4}年\d+月\d+日/.test(await page.getByTestId('last-logon').innerText()), '西暦 on request');
  await page.getByRole('button', { name: 'English' }).click();
  check((await page.getByTestId('last-logon').innerText()).startsWith('Previous log-on'), 'English one click away');
  await axe(page, 'my work (English)');
});

test('idle time-out: a warning, then re-authentication', async ({ page }) => {
  await page.clock.install();
  await logonReady(page, 'sato_hanako');
  await page.waitForLoadState('networkidle');
  await page.clock.fastForward('14:05');
  await page.getByTestId('idle-warning').waitFor();
  await axe(page, 'idle warning');
  await page.clock.fastForward('01:00');
  await page.getByTestId('end-reason').waitFor();
  check((await page.getByTestId('end-reason').innerText()).includes('再度ログオン'), 're-authentication asked');
});

test('sessions on every terminal ended from one', async ({ page }) => {
  // The same person on a second terminal (another browser context).
  const other = await newPage();
  try {
    await logonReady(other.page, 'sato_hanako');
    await logonReady(page, 'sato_hanako');
    await page.getByRole('button', { name: 'すべてのセッションを終了' }).click();
    check((await page.getByTestId('end-reason').innerText()).includes('すべての端末'), 'said on this terminal');
    // The other terminal's next request is refused: it is back at log-on.
    await other.page.getByRole('navigation').getByRole('link', { name: 'インシデント', exact: true }).click();
    await other.page.getByTestId('end-reason').waitFor();
    check((await other.page.getByTestId('end-reason').innerText()).includes('再度ログオン'), 'the other terminal asked to log on again');
    await axe(page, 'logged off everywhere');
  } finally {
    await other.context.close();
  }
});

// The element that has the focus: its tag, name, label text and whether
// the focus is drawn (an outline that is not 'none').
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    return { tag: e?.tagName ?? '', name: e?.getAttribute('name') ?? '', id: e?.id ?? '',
      text: (e?.textContent ?? '').trim(), value: /** @type {any} */ (e)?.value ?? '',
      outline: e ? getComputedStyle(e).outlineStyle : 'none' };
  });
}

// Presses Tab until `want(focused)` (at most `limit` times), checking that
// every control reached shows where the focus is.
async function tabTo(page, want, what, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag !== 'BODY' && f.tag !== 'MAIN') check(f.outline !== 'none', `the focus drawn on ${f.tag} ${f.name || f.text}`);
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

test('keyboard only: log on, skip link, navigation, a search; the focus always drawn', async ({ page }) => {
  await page.goto(server.consoleUrl);
  await page.getByRole('button', { name: 'ログオン' }).waitFor();
  await tabTo(page, (f) => f.name === 'user', 'the user ID');
  await page.keyboard.type('sato_hanako');
  await tabTo(page, (f) => f.name === 'password', 'the password', 1);
  await page.keyboard.type(changed.has('sato_hanako') ? NEW_PASSWORD : server.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('last-logon').or(page.getByRole('heading', { name: 'パスワードの変更' })).first().waitFor();
  check(changed.has('sato_hanako'), 'the person has changed her first password (an earlier test)');
  // The skip link comes first and moves the focus to the content, staying
  // on the screen (the screens are hash routes).
  await page.evaluate(() => { location.hash = '#/records'; });
  await page.getByRole('heading', { level: 1, name: '台帳・記録の検索' }).waitFor();
  await page.locator('body').focus();
  const skip = await tabTo(page, () => true, 'anything', 1);
  check(skip.text === '本文へ移動', `the skip link first: ${skip.text}`);
  await page.keyboard.press('Enter');
  check((await focused(page)).id === 'main', 'the content focused');
  check((await page.evaluate(() => location.hash)) === '#/records', 'still on the records screen');
  // The navigation by Tab and Enter.
  await page.evaluate(() => { location.hash = '#/work'; });
  await page.getByRole('heading', { level: 1, name: 'わたしの作業' }).waitFor();
  await page.locator('body').focus();
  await tabTo(page, (f) => f.tag === 'A' && f.text === '台帳・記録の検索', 'the records link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: '台帳・記録の検索' }).waitFor();
  // A search: the dataset and the purpose chosen with the arrow keys, the
  // name typed, Enter.
  await page.getByLabel('データセット').locator('option[value="employee_my_number"]').waitFor({ state: 'attached' });
  await tabTo(page, (f) => f.name === 'dataset' || f.tag === 'SELECT', 'the dataset');
  for (let i = 0; i < 10 && (await focused(page)).value !== 'employee_my_number'; i++) await page.keyboard.press('ArrowDown');
  check((await focused(page)).value === 'employee_my_number', 'the dataset chosen with the arrow keys');
  await tabTo(page, (f) => f.tag === 'SELECT', 'the purpose');
  for (let i = 0; i < 10 && (await focused(page)).value !== 'withholding'; i++) await page.keyboard.press('ArrowDown');
  check((await focused(page)).value === 'withholding', 'the purpose chosen with the arrow keys');
  await tabTo(page, (f) => f.tag === 'INPUT', 'the name');
  await page.keyboard.type('やまだ　たろう');
  await page.keyboard.press('Enter');
  await page.getByTestId('results').waitFor();
  check((await page.getByTestId('results').innerText()).includes('山田'), 'found by keyboard alone');
});

test('records: purpose first, hiragana finds a half-width-kana record, masked; handed to a take-out application', async ({ page }) => {
  await logonReady(page, 'sato_hanako');
  await goTo(page, '台帳・記録の検索');
  await page.getByLabel('データセット').selectOption('employee_my_number');
  check(await page.getByLabel(/氏名またはフリガナ/).isDisabled(), 'no search before a purpose');
  await page.getByLabel('利用目的').selectOption('withholding');
  await page.getByLabel(/氏名またはフリガナ/).fill('やまだ　たろう');
  const t0 = Date.now();
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByTestId('results').waitFor();
  console.log(`search: answer on screen after ${Date.now() - t0} ms`);
  const table = await page.getByTestId('results').innerText();
  check(table.includes('山田') && table.includes('ヤマダ タロウ'), 'the half-width-kana record found');
  check((await page.getByTestId('results').locator('tbody tr').count()) === 1, 'only that record');
  await axe(page, 'records');
  // Its history, then its end of use: the retention deadline comes back and
  // the history shows the new version with the day.
  await page.getByTestId('results').getByRole('button', { name: '履歴・利用終了' }).click();
  await page.getByTestId('versions').waitFor();
  check((await page.getByTestId('versions').locator('tbody tr').count()) >= 1, 'history shown');
  check(/^\d{4}-\d\d-\d\d$/.test(await page.getByLabel('利用終了日 (JST)').inputValue()), 'today (JST) offered');
  await page.getByRole('button', { name: '利用終了を記録' }).click();
  check(/保存期限: 令和/.test(await page.getByTestId('end-use-done').innerText()), 'retention deadline shown');
  await page.getByTestId('end-of-use').filter({ hasText: /令和/ }).first().waitFor();
  await axe(page, 'record history and end of use');
  // The record found handed to a take-out application of those records only.
  const found = await page.getByTestId('results').locator('tbody tr').first().getAttribute('data-id');
  await page.getByRole('button', { name: '見つかった記録の持ち出しを申請' }).click();
  await page.getByRole('heading', { level: 1, name: '持ち出し' }).waitFor();
  const draft = page.locator('form', { has: page.getByRole('heading', { name: '持ち出しの申請' }) });
  check(await draft.getByLabel(/^記録ID/).inputValue() === found, 'the record found handed to the take-out form');
  check(await draft.getByRole('radio', { name: '指定した記録のみ' }).isChecked(), 'those records only');
  check(await draft.getByLabel('データセット名').inputValue() === 'employee_my_number', 'its dataset');
});

// Logs `user` on and searches `dataset` under `purpose` with no name.
async function searchAs(page, user, dataset, purpose) {
  await logonReady(page, user);
  await goTo(page, '台帳・記録の検索');
  await page.getByLabel('データセット').selectOption(dataset);
  await page.getByLabel('利用目的').selectOption(purpose);
  await page.getByRole('button', { name: '検索' }).click();
}

test('records: a refused purpose explained in Japanese; the dataset ledger refused to a handler', async ({ page }) => {
  await searchAs(page, 'sato_hanako', 'employee_my_number', 'social_insurance');
  const refusal = await page.getByTestId('refusal').innerText();
  check(refusal.includes('権限'), `refusal explained: ${refusal}`);
  check((await page.getByTestId('results').count()) === 0, 'nothing shown');
  const option = await page.getByLabel('利用目的').locator('option[value="social_insurance"]').innerText();
  check(option.includes('権限なし'), `the server's answer shown beside the purpose: ${option}`);
  await axe(page, 'records refused');
  // Administration is not hers: not in her navigation; reached by its URL,
  // the screen says so and offers no form.
  const nav = page.getByRole('navigation');
  check(await nav.getByRole('link', { name: 'インシデント', exact: true }).isVisible(), 'incidents in the handler\'s navigation');
  check((await nav.getByRole('link', { name: '管理', exact: true }).count()) === 0, 'no 管理 in the handler\'s navigation');
  check((await nav.getByRole('link', { name: '準拠状況報告', exact: true }).count()) === 0, 'no compliance report in the handler\'s navigation');
  await page.evaluate(() => { location.hash = '#/admin'; });
  await page.getByRole('heading', { level: 1, name: '管理' }).waitFor();
  const admin = await page.getByTestId('refusal').innerText();
  check(admin.includes('権限') && (await page.getByTestId('admin-note').innerText()).includes('システム管理者'), `administration refused: ${admin}`);
  check((await page.locator('form').count()) === 0, 'no administration form for a handler');
  await axe(page, 'administration (handler refused)');
  // The dataset ledger (with its counts) is not a handler's either: not in
  // her navigation, and refused when reached by its URL.
  check((await page.getByRole('navigation').getByRole('link', { name: 'データセット台帳', exact: true }).count()) === 0,
    'no dataset ledger in the handler\'s navigation');
  await page.evaluate(() => { location.hash = '#/ledger'; });
  await page.getByRole('heading', { level: 1, name: 'データセット台帳' }).waitFor();
  await page.getByTestId('ledger-note').waitFor();
  check((await page.getByTestId('refusal').innerText()).includes('権限'), 'the ledger refused to a handler');
  check((await page.getByTestId('ledger').count()) === 0, 'no ledger shown to a handler');
  // An incident reported by her; its triage is the SIRT's, refused to her.
  await goTo(page, 'インシデント');
  await page.getByLabel(/^概要/).fill('誤送信の疑い');
  await page.getByRole('button', { name: '報告する' }).click();
  incident = (await page.getByTestId('incident-reported').innerText()).replace(/^.*: /, '');
  await page.getByTestId('incidents').locator(`tr[data-id="${incident}"]`).getByRole('button', { name: '開く' }).click();
  await page.locator('select[name=step]').selectOption('triage');
  await page.getByRole('button', { name: '記録する' }).click();
  const triage = await page.getByTestId('incident').getByTestId('refusal').innerText();
  check(/ロール|権限/.test(triage), `triage refused to the reporter: ${triage}`);
  check((await page.getByTestId('incident-state').innerText()) === '報告済み', 'still reported');
  await axe(page, 'incidents (reporter)');
});
let incident = '';

test('incidents: triaged by the SIRT, deadlines and the report form', async ({ page }) => {
  await logonReady(page, 'kobayashi_sirt');
  await goTo(page, 'インシデント');
  await page.getByTestId('incidents').locator(`tr[data-id="${incident}"]`).getByRole('button', { name: '開く' }).click();
  await page.locator('select[name=step]').selectOption('triage');
  await page.getByRole('button', { name: '記録する' }).click();
  await page.getByTestId('incident-done').waitFor();
  await page.getByTestId('incident-state').filter({ hasText: '初動済み' }).waitFor();
  // The investigation items as the investigation learns them (amend).
  await page.getByLabel('原因 (コード)').fill('misdelivery');
  await page.locator('select[name=amend-attack]').selectOption('false');
  await page.getByRole('button', { name: '更新する' }).click();
  await page.getByTestId('incident-amended').waitFor();
  await page.getByTestId('incident').locator('tbody tr').filter({ hasText: 'amend' }).waitFor();
  const [form] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '速報', exact: true }).click()]);
  const file = path.join(outDir, 'incident-form.html');
  await form.saveAs(file);
  check(readFileSync(file, 'utf8').includes('<html'), 'the report form as HTML');
  await axe(page, 'incidents (SIRT)');
});

test("records: a handler does not see another department's dataset; history, end of use refused; an inquiry under two-person control", async ({ page }) => {
  // 融資部's handler: the picker offers 融資部's dataset only, not 総務部's
  // employee My Numbers (which the API refuses him in any case).
  await logonReady(page, 'ito_ken');
  await goTo(page, '台帳・記録の検索');
  // The options come with the datasets' answer: wait for it, then read them all.
  await page.getByLabel('データセット').locator('option[value="loan_customer"]').waitFor({ state: 'attached' });
  const offered = await page.getByLabel('データセット').locator('option').evaluateAll((os) => os.map((o) => o.value));
  check(offered.includes('loan_customer'), `融資部's dataset offered: ${offered}`);
  check(!offered.includes('employee_my_number') && !offered.includes('payroll_account'),
    `総務部's datasets not offered to 融資部: ${offered}`);
  check((await page.getByTestId('dataset-scope').innerText()).includes('サーバー'), 'the narrowing said');
  // He holds read, not find: listing only, no name search offered; the
  // history opens, the end of use (a write) is refused and explained.
  await page.getByLabel('データセット').selectOption('loan_customer');
  await page.getByLabel('利用目的').selectOption('credit_screening');
  await page.getByTestId('list-only').waitFor();
  check(await page.getByLabel(/氏名またはフリガナ/).isDisabled(), 'no name search without a find grant');
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByTestId('results').getByRole('button', { name: '履歴・利用終了' }).first().click();
  await page.getByTestId('versions').waitFor();
  await page.getByRole('button', { name: '利用終了を記録' }).click();
  const refused = await page.getByTestId('record-history').getByTestId('refusal').innerText();
  check(refused.includes('権限'), `end of use refused to a reader: ${refused}`);
  await page.getByRole('button', { name: '廃棄する' }).click();
  await page.getByTestId('record-history').getByTestId('refusal').waitFor();
  check((await page.getByTestId('disposed').count()) === 0, 'a disposal without a shred grant refused');
  await axe(page, 'records (other department)');
  // An inquiry about that record under two-person control (pre_approval):
  // the operator applies; his own approval and an unapproved run are
  // refused; 融資部's confirmer approves; the operator runs it and reads
  // the answer.
  // The found record's "inquire" button hands it to the inquiry form.
  const record = await page.getByTestId('results').locator('tbody tr').first().getAttribute('data-id');
  await page.getByTestId('results').locator('tbody tr').first().getByRole('button', { name: '照会を申請' }).click();
  await page.getByRole('heading', { level: 1, name: '照会' }).waitFor();
  check(await page.getByLabel('記録ID').inputValue() === record, 'the record handed to the inquiry form');
  check(await page.getByLabel('データセット名').inputValue() === 'loan_customer', 'its dataset');
  check(await page.getByLabel('利用目的ID').inputValue() === 'credit_screening', 'its purpose');
  await page.getByLabel(/同意書の番号/).fill('LA-2026-0001');
  await page.getByRole('button', { name: '申請する' }).click();
  const inquiry = (await page.getByTestId('inquiry-applied').innerText()).replace(/^.*: /, '');
  const row = () => page.getByTestId('inquiries').locator(`tr[data-id="${inquiry}"]`);
  await row().getByRole('button', { name: '承認' }).click();
  const own = await page.getByTestId('refusal').first().innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(own) && own.includes('権限'), `the operator's own approval refused: ${own}`);
  await row().getByRole('button', { name: '実行' }).click();
  const unapproved = await page.getByTestId('refusal').first().innerText();
  check(unapproved.includes('確認者の承認前'), `an unapproved inquiry not run: ${unapproved}`);
  await axe(page, 'inquiries (refused)');
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await logonReady(page, 'kato_kacho');
  await goTo(page, '照会');
  await row().getByRole('button', { name: '承認' }).click();
  await page.locator(`tr[data-id="${inquiry}"][data-state="approved"]`).waitFor();
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await logonReady(page, 'ito_ken');
  await goTo(page, '照会');
  await row().getByRole('button', { name: '実行' }).click();
  await page.locator(`tr[data-id="${inquiry}"][data-state="answered"]`).waitFor();
  await row().getByRole('button', { name: '回答を見る' }).click();
  await page.getByTestId('inquiry-answer').locator('dt').first().waitFor();
  await axe(page, 'inquiries (answered)');
});

test('approvals: refused to the applicant, decided by the right person; a take-out of two fields applied and approved by both; an exception applied, approved by the CISO; a review started', async ({ page, context }) => {
  await logonReady(page, 'sato_hanako');
  await goTo(page, '承認');
  await page.getByLabel('対象', { exact: true }).fill('employee_my_number');
  await page.getByLabel('作業', { exact: true }).fill('correct.record');
  await page.getByLabel('理由', { exact: true }).fill('erroneous_entry');
  await page.getByRole('button', { name: '申請する' }).click();
  const applied = (await page.getByTestId('applied').innerText()).replace(/^.*: /, '');
  const mine = page.getByTestId('approvals-mine').locator(`tr[data-id="${applied}"]`);
  await mine.getByRole('button', { name: '承認' }).click();
  const refusal = await page.getByTestId('refusal').first().innerText();
  check(refusal.includes('権限'), `the applicant's own decision refused: ${refusal}`);
  await axe(page, 'approvals (applicant refused)');
  // A take-out of payroll_account (confidentiality 3: the section manager
  // and the department officer approve it).
  await goTo(page, '持ち出し');
  const apply = page.locator('form', { has: page.getByRole('heading', { name: '持ち出しの申請' }) });
  await apply.getByLabel('データセット名').fill('payroll_account');
  await apply.getByLabel('利用目的ID').fill('payroll_transfer');
  await apply.getByLabel(/^項目名/).fill('name, account');
  await apply.getByLabel(/受領者の証明書/).fill(recipientPem);
  await apply.getByLabel('理由コード').fill('bank_transfer_file');
  await apply.getByRole('button', { name: '申請する' }).click();
  takeoutApproval = (await page.getByTestId('takeout-applied').innerText()).replace(/^.*: /, '');
  await axe(page, 'take-outs (applied)');
  // An exception measure: a handler may apply, not read the ledger.
  await goTo(page, '例外措置');
  await page.getByTestId('exceptions-ledger-refused').waitFor();
  const ex = page.locator('form', { has: page.getByRole('heading', { name: '例外措置の申請' }) });
  await ex.getByLabel(/適用しない規程/).fill('002.art47');
  await ex.getByLabel('代替措置コード').fill('takeout.unencrypted');
  await ex.getByLabel(/^対象/).fill('payroll_account');
  await ex.getByLabel('理由コード').fill('business.deadline');
  await ex.getByRole('button', { name: '申請する' }).click();
  const exception = (await page.getByTestId('exception-applied').innerText()).replace(/^.*: /, '');
  await axe(page, 'exceptions (applied, ledger refused)');
  // A use application (利用申請) of hers, approved by her section manager.
  await goTo(page, '権限の申請・見直し');
  const use = page.getByTestId('rights-other');
  await use.getByLabel('申請の種類').selectOption('use');
  await use.getByLabel('区分').selectOption('employee_information');
  await use.getByLabel('対象データセット').fill('payroll_account');
  await use.getByLabel('権限の利用目的ID').fill('payroll_transfer');
  await use.getByLabel('権限の部署').fill('総務部');
  await use.getByLabel(/^利用者ID/).fill('sato_hanako');
  check(/^\d{4}-\d\d-\d\d$/.test(await use.getByLabel(/^利用期限/).inputValue()), 'a use ends on a day');
  await use.getByLabel('申請理由').fill('振込データの確認');
  await use.getByRole('button', { name: '申請する' }).click();
  const useRequest = (await page.getByTestId('rights-other-requested').innerText()).replace(/^.*: /, '');
  await axe(page, 'rights (use applied; the register refused to a handler)');
  for (const approver of ['tanaka_kacho', 'suzuki_bucho']) {
    await page.getByRole('button', { name: 'ログオフ' }).click();
    await logonReady(page, approver);
    await goTo(page, '承認');
    for (const id of approver === 'tanaka_kacho' ? [applied, takeoutApproval] : [takeoutApproval]) {
      const pending = page.getByTestId('approvals-pending').locator(`tr[data-id="${id}"]`);
      await pending.getByRole('button', { name: '承認' }).click();
      await pending.waitFor({ state: 'detached' });
    }
    if (approver === 'tanaka_kacho') {
      await goTo(page, '権限の申請・見直し');
      await page.locator(`tr[data-id="${useRequest}"][data-kind="use"]`).getByRole('button', { name: '承認' }).click();
      await page.locator(`tr[data-id="${useRequest}"][data-state="approved"]`).waitFor();
    }
  }
  await page.getByRole('status').filter({ hasText: '承認しました' }).waitFor();
  await axe(page, 'approvals (decided)');
  // The CISO approves the exception; it is in force in the ledger.
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await logonWithTotp(page, 'yamamoto_ciso');
  await goTo(page, '承認');
  await page.getByTestId('approvals-pending').locator(`tr[data-id="${exception}"]`).getByRole('button', { name: '承認' }).click();
  await page.getByTestId('approvals-pending').locator(`tr[data-id="${exception}"]`).waitFor({ state: 'detached' });
  await goTo(page, '例外措置');
  await page.getByTestId('exceptions').locator(`tr[data-id="${exception}"][data-state="in_force"]`).waitFor();
  await axe(page, 'exceptions (ledger)');
  // She starts a review of 総務部's rights (decided in the daily-lists test).
  await goTo(page, '権限の申請・見直し');
  await page.getByLabel(/^件名/).fill('総務部 権限の定期見直し');
  await page.getByLabel(/^対象部署/).fill('総務部');
  await page.getByRole('button', { name: '見直しを開始' }).click();
  review = (await page.getByTestId('review-started').innerText()).replace(/^.*: /, '');
  await page.getByTestId('reviews').locator(`tr[data-id="${review}"]`).waitFor();
  await axe(page, 'rights reviews (started)');
});
let takeoutApproval = '';
let review = '';
const recipientPem = readFileSync(path.join(server.pki, 'recipient-soumu.crt'), 'utf8');

test('daily lists: a list confirmed; rights: a grant requested, its requester refused, approved; a removal rejected; a review decided; the take-out exported, downloaded, its manifest shown, confirmed', async ({ page }) => {
  await logonReady(page, 'tanaka_kacho');
  await goTo(page, '確認リスト');
  await page.getByTestId('lists').waitFor();
  const rows = page.getByTestId('lists').locator('tbody tr');
  check((await rows.count()) > 0, 'a list to confirm');
  const id = await rows.first().getAttribute('data-id');
  await rows.first().getByRole('button', { name: '確認' }).click();
  await page.getByTestId('list-done').waitFor();
  await page.locator(`tr[data-id="${id}"]`).waitFor({ state: 'detached' });
  await axe(page, 'daily lists');
  await printed(page, 'daily-lists');
  // The media register (記録媒体管理簿), kept by section managers: an entry
  // from the kind's schema, its inventory check, and the register printed.
  await goTo(page, '管理台帳');
  await page.locator('select[name=kind]').selectOption('media');
  const entry = page.locator('form', { has: page.getByRole('heading', { name: '登録' }) });
  await entry.locator('select[name=type]').selectOption('usb');
  await entry.locator('input[name=label]').fill('USB-0001');
  await entry.locator('input[name=location]').fill('総務部 施錠保管庫');
  await entry.locator('input[name=custodian]').fill('tanaka_kacho');
  await entry.locator('input[name=department]').fill('soumu');
  await entry.getByRole('checkbox', { name: 'personal' }).check();
  await entry.getByRole('checkbox', { name: 'encrypted' }).check();
  await entry.getByRole('button', { name: '登録する' }).click();
  const media = (await page.getByTestId('entry-added').innerText()).replace(/^.*: /, '');
  await page.getByTestId('register-entries').locator(`tr[data-id="${media}"]`).waitFor();
  await page.locator('select[name=entry]').selectOption(media);
  await page.locator('select[name=result]').selectOption('present');
  await page.getByTestId('register-entries').locator(`tr[data-id="${media}"]`).getByRole('button', { name: '開く' }).click();
  await page.getByTestId('entry-versions').locator('tbody tr').first().waitFor();
  await page.getByRole('button', { name: '点検を記録' }).click();
  await page.getByTestId('entry-done').waitFor();
  await page.getByTestId('entry-checks').locator('tbody tr').filter({ hasText: 'present' }).waitFor();
  // The entry changed (PATCH): its location; the versions say which field.
  await page.getByTestId('entry-edit').locator('input[name=location]').fill('総務部 金庫');
  await page.getByTestId('entry-edit').getByRole('button', { name: '変更する' }).click();
  await page.getByTestId('entry-changed').waitFor();
  await page.getByTestId('entry-versions').locator('tbody tr').filter({ hasText: 'change' }).filter({ hasText: 'location' }).waitFor();
  await axe(page, 'registers (media)');
  await printed(page, 'media-register');
  // Rights: the section manager requests a grant and may not approve it;
  // the department officer approves (the administrator configures it in
  // the TOTP test, being logged on there).
  await goTo(page, '権限の申請・見直し');
  const form = page.locator('form', { has: page.getByRole('heading', { name: '権限付与の申請' }) });
  await form.getByLabel('区分').selectOption('specific_personal_information');
  await form.getByLabel('データセット名').fill('employee_my_number');
  await form.getByLabel('操作').selectOption('find');
  await form.getByLabel('利用目的ID').fill('social_insurance');
  await form.getByLabel('部署').fill('総務部');
  await form.getByLabel(/対象者ID/).fill('sato_hanako');
  await form.getByLabel('申請理由').fill('社会保険事務の担当者として追加');
  await form.getByRole('button', { name: '申請する' }).click();
  rightsRequest = (await page.getByTestId('rights-requested').innerText()).replace(/^.*: /, '');
  const row = () => page.getByTestId('rights-requests').locator(`tr[data-id="${rightsRequest}"]`);
  await row().getByRole('button', { name: '承認' }).click();
  const refusal = await page.getByTestId('refusal').first().innerText();
  check(refusal.includes('権限') || refusal.includes('承認'), `the requester's own approval refused: ${refusal}`);
  check((await row().getAttribute('data-state')) === 'requested', 'still requested');
  await axe(page, 'rights (requester refused)');
  // A request of another kind: the removal of one of sato_hanako's grants
  // (rejected by the department officer below).
  const other = page.getByTestId('rights-other');
  await other.getByLabel('申請の種類').selectOption('removal');
  const grantOption = other.getByLabel(/対象の権限/).locator('option', { hasText: 'employee_my_number / find / withholding' });
  await grantOption.waitFor({ state: 'attached' });
  await other.getByLabel(/対象の権限/).selectOption(await grantOption.getAttribute('value'));
  await other.getByLabel('申請理由').fill('担当替えのため');
  await other.getByRole('button', { name: '申請する' }).click();
  const removal = (await page.getByTestId('rights-other-requested').innerText()).replace(/^.*: /, '');
  const removalRow = page.getByTestId('rights-requests').locator(`tr[data-id="${removal}"][data-kind="removal"]`);
  await removalRow.waitFor();
  // The review the CISO started: starting one is refused to him; he keeps
  // one of sato_hanako's rights and revokes another, with its reason.
  const start = page.locator('form', { has: page.getByRole('heading', { name: '見直しの開始' }) });
  await start.getByLabel(/^件名/).fill('課長による見直し');
  await start.getByRole('button', { name: '見直しを開始' }).click();
  check((await start.getByTestId('refusal').innerText()).includes('権限'), 'starting a review refused to a section manager');
  await page.getByTestId('reviews').locator(`tr[data-id="${review}"]`).getByRole('button', { name: '項目を開く' }).click();
  const items = page.getByTestId('review-items');
  const item = (op, state = 'pending') => items.locator(`tbody tr[data-state="${state}"]`)
    .filter({ hasText: 'sato_hanako' }).filter({ hasText: `employee_my_number / ${op} /` });
  await item('read').getByRole('button', { name: '継続' }).click();
  await item('read', 'confirmed').waitFor();
  // A revocation without its reason: refused, explained.
  await item('write').getByRole('button', { name: '取消し' }).click();
  const noReason = await page.getByTestId('campaign-items').getByTestId('refusal').innerText();
  check(noReason.includes('reason') && /必須/.test(noReason), `a revocation needs its reason: ${noReason}`);
  await page.locator('input[name="review-items-reason"]').fill('記録の更新は担当外となったため');
  await item('write').getByRole('button', { name: '取消し' }).click();
  await item('write', 'revoked').waitFor();
  await axe(page, 'rights (other request, review decided)');
  // The take-out's applicant writes the file and downloads it (a Blob from
  // memory: the URL carries no token).
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await logonReady(page, 'sato_hanako');
  await goTo(page, '持ち出し');
  const exp = page.locator('form', { has: page.getByRole('heading', { name: '承認済みの持ち出しの実行' }) });
  await exp.getByLabel('承認ID').fill(takeoutApproval);
  await exp.getByLabel('データセット名').fill('payroll_account');
  await exp.getByLabel('利用目的ID').fill('payroll_transfer');
  await exp.getByLabel(/受領者の証明書/).fill(recipientPem);
  await exp.getByRole('button', { name: 'ファイルを作成' }).click();
  const exported = await page.getByTestId('takeout-exported').innerText();
  const takeout = /持ち出し (\S+) を記録/.exec(exported)?.[1];
  const [cms] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '暗号化ファイルをダウンロード' }).click()]);
  check(!cms.url().includes('token') && cms.url().startsWith('blob:'), `a Blob download: ${cms.url()}`);
  const cmsFile = path.join(outDir, 'takeout.p7m');
  await cms.saveAs(cmsFile);
  const cmsBytes = readFileSync(cmsFile);
  check(cmsBytes.length > 100 && cmsBytes[0] === 0x30, `a CMS (DER) file (${cmsBytes.length} bytes)`);
  // The manifest: which records went out, and its SHA-256.
  await page.getByRole('button', { name: '明細を表示' }).click();
  await page.getByTestId('manifest-records').waitFor();
  const manifested = Number(await page.getByTestId('manifest-count').innerText());
  check(manifested > 0 && (await page.getByTestId('manifest-records').locator('tbody tr').count()) === manifested,
    `the manifest lists the records taken out (${manifested})`);
  check(/^[0-9a-f]{64}$/.test(await page.getByTestId('manifest-sha256').innerText()), "the manifest's SHA-256");
  // One export per approval: a second is refused, explained in Japanese.
  await exp.getByRole('button', { name: 'ファイルを作成' }).click();
  const again = await exp.getByTestId('refusal').innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(again) && !again.includes('payroll'), `a second export refused: ${again}`);
  await axe(page, 'take-outs (exported)');
  await page.getByRole('button', { name: 'ログオフ' }).click();
  await logonReady(page, 'suzuki_bucho');
  await goTo(page, '持ち出し');
  const out = page.getByTestId('takeouts').locator(`tr[data-id="${takeout}"]`);
  check((await out.innerText()).includes(`${manifested}件 / name, account`), `the fields taken out: ${await out.innerText()}`);
  await out.getByRole('button', { name: '明細' }).click();
  await page.getByTestId('manifest-records').locator('tbody tr').nth(manifested - 1).waitFor();
  await page.getByTestId('takeouts').locator(`tr[data-id="${takeout}"]`).getByRole('button', { name: '返却を確認' }).click();
  await page.getByTestId('takeout-done').waitFor();
  await page.getByTestId('takeouts').locator(`tr[data-id="${takeout}"]`).waitFor({ state: 'detached' });
  await axe(page, 'take-outs (confirmed)');
  await goTo(page, '権限の申請・見直し');
  await row().getByRole('button', { name: '承認' }).click();
  await page.getByTestId('rights-done').waitFor();
  await page.getByTestId('rights-requests').locator(`tr[data-id="${rightsRequest}"][data-state="approved"]`).waitFor();
  await removalRow.getByRole('button', { name: '却下' }).click();
  await removalRow.waitFor({ state: 'detached' });
  await page.getByTestId('reviews-overdue').waitFor();
  await axe(page, 'rights (approved), reviews');
});
let rightsRequest = '';

test('compliance report: viewed and downloaded', async ({ page }) => {
  await logonReady(page, 'nakamura_kansa');
  await goTo(page, '準拠状況報告');
  await page.getByTestId('report').waitFor();
  await axe(page, 'compliance report');
  for (const format of ['csv', 'xlsx', 'html']) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: new RegExp(format === 'html' ? 'HTML' : format.toUpperCase()) }).click(),
    ]);
    const file = path.join(outDir, `compliance.${format}`);
    await download.saveAs(file);
    const bytes = readFileSync(file);
    check(bytes.length > 100, `${format} downloaded (${bytes.length} bytes)`);
    if (format === 'xlsx') check(bytes.subarray(0, 2).toString() === 'PK', 'an XLSX (zip) file');
  }
});

test('the CISO handles a finding (reviewed and explained), plans the self-inspection and an internal audit, assigns its auditor; the report is refused to her (the auditor submits it)', async ({ page }) => {
  await logonWithTotp(page, 'yamamoto_ciso');
  // Findings: explaining before the review is refused (the order is the
  // server's); reviewed, then explained, it leaves the open ones. The CISO
  // line handles them: the set-up's night-time write (web/e2e/server.mjs)
  // gives her one whatever the hour of the run; a section manager's depend
  // on his people working outside business hours.
  await goTo(page, '分析の指摘事項');
  await page.getByTestId('findings').waitFor();
  const finding = await page.getByTestId('findings').locator('tbody tr[data-status="new"]').first().getAttribute('data-id');
  check(finding, 'a finding to handle');
  const frow = () => page.getByTestId('findings').locator(`tr[data-id="${finding}"]`);
  await page.getByLabel(/^理由/).fill('業務上の必要による照会であることを確認済み');
  await frow().getByRole('button', { name: '説明' }).click();
  const early = await page.getByTestId('refusal').first().innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(early), `explaining before the review refused: ${early}`);
  await frow().getByRole('button', { name: '確認開始' }).click();
  await page.locator(`tr[data-id="${finding}"][data-status="under_review"]`).waitFor();
  await frow().getByRole('button', { name: '説明' }).click();
  await frow().waitFor({ state: 'detached' });
  await axe(page, 'findings');
  await goTo(page, '点検・監査・教育');
  // This fiscal year's self-inspection, answered by the auditor below.
  await page.getByTestId('governance-count').waitFor();
  await page.getByRole('button', { name: '点検計画を作成' }).last().click();
  const inspection = (await page.getByTestId('governance-done').innerText()).replace(/^.*: /, '');
  await page.locator(`select[name=row] option[value="${inspection}"]`).waitFor({ state: 'attached' });
  await page.locator('select[name=row]').selectOption(inspection);
  await page.getByRole('button', { name: '集計を表示' }).click();
  await page.getByTestId('governance-view').waitFor();
  await page.getByRole('button', { name: '内部監査' }).click();
  await page.getByTestId('governance-audits').waitFor({ state: 'attached' });
  await page.getByLabel(/対象部署/).fill('総務部');
  await page.getByLabel(/範囲/).fill('personal_information');
  await page.getByRole('button', { name: '監査計画を作成' }).last().click();
  internalAudit = (await page.getByTestId('governance-done').innerText()).replace(/^.*: /, '');
  await page.locator(`select[name=row] option[value="${internalAudit}"]`).waitFor({ state: 'attached' });
  await page.locator('select[name=row]').selectOption(internalAudit);
  await page.getByLabel('監査人ID').fill('nakamura_kansa');
  await page.getByRole('button', { name: '監査人を指名' }).click();
  await page.getByTestId('governance-step-done').waitFor();
  await page.getByRole('button', { name: '監査報告を提出' }).click();
  const refused = await page.getByTestId('refusal').innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(refused), `the report is the auditor's: ${refused}`);
  await axe(page, 'internal audits (CISO)');
});
let internalAudit = '';

test('auditor: audit log (CSV), rights register (printed), registers and inspections (keeping refused), her self-inspection answered, the report of an internal audit submitted, the log verified against a signed head, an inclusion proof; the dataset ledger printed', async ({ page }) => {
  await logonReady(page, 'nakamura_kansa');
  for (const label of ['監査ログ', 'アクセス権限管理簿']) {
    await goTo(page, label);
    await page.getByTestId('browse-count').or(page.getByTestId('refusal')).first().waitFor();
    await axe(page, label);
  }
  await printed(page, 'rights-register');
  // The dataset ledger with the counts the server makes; one entry; on A4.
  await goTo(page, 'データセット台帳');
  const ledgerRow = page.getByTestId('ledger').locator('tr[data-id="employee_my_number"]');
  await ledgerRow.waitFor();
  const held = Number((await ledgerRow.getByTestId('records').innerText()).replace(/,/g, ''));
  check(held >= 1, `records counted in the ledger: ${held}`);
  await ledgerRow.getByRole('button', { name: '開く' }).click();
  check((await page.getByTestId('ledger-purposes').innerText()).includes('withholding'), 'the purposes in the entry');
  check((await page.getByTestId('ledger-records').innerText()).replace(/,/g, '') === String(held), 'the entry counts the same');
  await axe(page, 'dataset ledger');
  const [ledgerCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /CSV/ }).click()]);
  const ledgerFile = path.join(outDir, 'dataset-ledger.csv');
  await ledgerCsv.saveAs(ledgerFile);
  const ledgerText = readFileSync(ledgerFile, 'utf8');
  check(ledgerText.startsWith('\ufeff') && ledgerText.includes(`employee_my_number,`), 'the ledger as CSV for Excel');
  await printed(page, 'dataset-ledger');
  // The registers: read, not kept, by the auditor.
  await goTo(page, '管理台帳');
  await page.locator('select[name=kind]').selectOption('media');
  await page.getByTestId('register-entries').waitFor();
  await page.getByRole('button', { name: '登録する' }).click();
  check((await page.getByTestId('refusal').innerText()).includes('権限'), 'the auditor may not keep a register');
  await axe(page, 'registers (auditor)');
  // Inspections: shown, not planned by the auditor (the CISO line plans).
  await goTo(page, '点検・監査・教育');
  await page.getByTestId('governance-count').waitFor();
  await page.getByRole('button', { name: '点検計画を作成' }).last().click();
  check((await page.getByTestId('refusal').innerText()).includes('権限'), 'the auditor may not plan an inspection');
  // Her own self-inspection checklist of the plan the CISO made.
  const checklist = page.getByTestId('self-inspection');
  const yes = checklist.locator('input[type=radio][value=yes]');
  await yes.first().waitFor();
  for (const radio of await yes.all()) await radio.check();
  await checklist.getByRole('button', { name: '回答する' }).click();
  await page.getByTestId('self-inspection-done').waitFor();
  // The internal audit the CISO planned: its report submitted by its auditor.
  await page.getByRole('button', { name: '内部監査' }).click();
  await page.locator(`select[name=row] option[value="${internalAudit}"]`).waitFor({ state: 'attached' });
  await page.locator('select[name=row]').selectOption(internalAudit);
  await page.getByLabel(/根拠条項/).fill('003.II.5');
  await page.getByLabel('指摘先の部署').fill('総務部');
  await page.getByLabel(/重要度/).fill('minor');
  await page.getByRole('button', { name: '指摘を記録' }).click();
  const finding = (await page.getByTestId('governance-step-done').innerText()).replace(/^.*: /, '');
  check(finding.length > 0, 'the finding named');
  await page.getByLabel(/指摘ID/).fill(finding);
  await page.getByLabel(/改善策/).fill('double_check');
  await page.getByRole('button', { name: '改善計画を報告' }).click();
  check(/[ぁ-んァ-ン一-龯]/.test(await page.getByTestId('refusal').innerText()), 'the improvement plan is the audited department\'s');
  await page.getByRole('button', { name: '監査報告を提出' }).click();
  await page.getByTestId('governance-step-done').filter({ hasText: /^記録しました$/ }).waitFor();
  await axe(page, 'inspections, audits, training');
  // The log against the latest signed head: verified; the head altered: not.
  await goTo(page, '監査ログの検証');
  await page.getByRole('button', { name: '最新の署名付きヘッドを使う' }).click();
  await page.getByRole('button', { name: '照合する' }).click();
  check((await page.getByTestId('verify-result').getAttribute('data-ok')) === 'true',
    `verified: ${await page.getByTestId('verify-result').innerText()}`);
  const head = JSON.parse(await page.getByRole('textbox', { name: '信頼するヘッド (JSON)' }).inputValue());
  head.root = head.root.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  await page.getByRole('textbox', { name: '信頼するヘッド (JSON)' }).fill(JSON.stringify(head));
  await page.getByRole('button', { name: '照合する' }).click();
  await page.getByTestId('verify-result').or(page.getByTestId('refusal')).first().waitFor();
  const altered = await page.getByTestId('verify-result').or(page.getByTestId('refusal')).first();
  check((await altered.getAttribute('data-ok')) !== 'true', `an altered head not verified: ${await altered.innerText()}`);
  console.log(`audit verification: the latest signed head verified; altered, ${(await altered.getAttribute('data-problem')) ?? 'refused'}`);
  await page.getByLabel('監査番号').fill('1');
  await page.getByRole('button', { name: '証明を表示' }).click();
  check((await page.getByTestId('proof-result').getAttribute('data-verified')) === 'true', 'inclusion proof verified');
  await axe(page, 'audit verification');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit log verification' }).waitFor();
  check((await page.getByTestId('proof-result').innerText()).includes('proof verified'), 'the proof in English');
  await axe(page, 'audit verification (English)');
  await page.getByRole('button', { name: '日本語' }).click();
  await goTo(page, '監査ログ');
  await page.getByTestId('browse-count').waitFor();
  const rows = await page.getByTestId('browse-audit').locator('tbody tr').count();
  check(rows > 0, 'audit events shown to the auditor');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /CSV/ }).click()]);
  const file = path.join(outDir, 'audit.csv');
  await download.saveAs(file);
  check(readFileSync(file, 'utf8').startsWith('\ufeff'), 'CSV with a BOM for Excel');
});

test('TOTP: an administrator enrols, then logs on with the code; administration: people, terminals, identity policy, with the refusals', async ({ page }) => {
  const secret = await logonEnrolling(page, 'soumu_kanri', async () => axe(page, 'TOTP enrolment'));
  await page.getByRole('button', { name: 'ログオフ' }).click();
  // Without the code: refused with the one fixed message.
  await logon(page, 'soumu_kanri', NEW_PASSWORD);
  check((await page.getByRole('alert').innerText()).includes('認証アプリのコード'), 'refused without the code');
  await logon(page, 'soumu_kanri', NEW_PASSWORD, totp(secret, 1));
  await page.getByTestId('last-logon').waitFor();
  // The rights request of the daily-lists test, configured by the administrator.
  await goTo(page, '権限の申請・見直し');
  await page.getByTestId('rights-requests').locator(`tr[data-id="${rightsRequest}"]`).getByRole('button', { name: '設定' }).click();
  await page.getByTestId('rights-done').waitFor();
  await page.getByTestId('rights-requests').locator(`tr[data-id="${rightsRequest}"]`).waitFor({ state: 'detached' });
  // Administration: a temporary password for someone holding rights needs
  // an approved request (refused alone); 融資部's handler disabled, and
  // enabling him again refused (it gives back rights: the rights register's
  // request); the terminals; the identity policy, changed by the CISO only.
  check(await page.getByRole('navigation').getByRole('link', { name: '管理', exact: true }).isVisible(), '管理 in the administrator\'s navigation');
  await goTo(page, '管理');
  const user = page.getByTestId('users').locator('tr[data-id="ito_ken"]');
  await page.locator('select[name=user]').selectOption('ito_ken');
  await page.getByLabel(/^仮パスワード$/).fill('Temporary-Pass-2026!');
  await page.getByRole('button', { name: '再設定する' }).click();
  const reset = await page.getByTestId('refusal').innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(reset) && !reset.includes('Temporary-Pass'), `a reset alone refused: ${reset}`);
  await page.locator('select[name=reason]').selectOption('long_absence');
  await page.getByRole('button', { name: '無効にする' }).click();
  await page.locator('tr[data-id="ito_ken"][data-state="disabled"]').waitFor();
  await page.getByRole('button', { name: '有効にする' }).click();
  const enable = await page.getByTestId('refusal').filter({ hasText: 'アクセス権限管理簿' }).innerText();
  check(enable.includes('申請'), `enabling someone with rights refused, the request explained: ${enable}`);
  check((await user.getAttribute('data-state')) === 'disabled', 'ito_ken still disabled');
  // His name changed (PATCH); the CISO's authenticator reset alone refused
  // (she holds rights: the rights register's request is named).
  await page.getByLabel('新しい氏名').fill('伊藤 健一');
  await page.getByRole('button', { name: '変更する' }).click();
  await user.filter({ hasText: '伊藤 健一' }).waitFor();
  await page.locator('select[name=user]').selectOption('yamamoto_ciso');
  await page.getByRole('button', { name: '再登録にする' }).click();
  const totpReset = await page.getByTestId('refusal').innerText();
  check(/[ぁ-んァ-ン一-龯]/.test(totpReset), `a TOTP reset alone refused: ${totpReset}`);
  await axe(page, 'administration (people)');
  await page.getByRole('button', { name: '端末' }).click();
  await page.getByTestId('terminals').locator('tbody tr').first().waitFor();
  await page.getByLabel('端末ID').fill('e2e-terminal-2');
  await page.getByLabel(/クライアント証明書の指紋/).fill('ab'.repeat(32));
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByTestId('terminals').locator('tr[data-id="e2e-terminal-2"][data-state="active"]').waitFor();
  await page.getByRole('button', { name: '認証ポリシー' }).click();
  await page.getByTestId('identity-policy').waitFor();
  await page.getByRole('button', { name: '現在の値を編集欄に写す' }).click();
  await page.getByRole('button', { name: '変更する' }).click();
  check((await page.getByTestId('refusal').innerText()).includes('権限'), 'the policy changed by the CISO only');
  await axe(page, 'administration (policy)');
});

registerConsole7({ test, check, axe, logonReady, logonWithTotp, goTo, printed, shots, outDir, incident: () => incident });
console8Tests({ test, check, axe, logonReady, logonWithTotp, goTo, newPage, incident: () => incident, shotsDir: shots });

let ok = 0;
const failures = [];
// MAMORI_E2E_ONLY=regex runs the tests whose names match (when working on
// one flow; later tests may depend on earlier ones).
const only = process.env.MAMORI_E2E_ONLY ? new RegExp(process.env.MAMORI_E2E_ONLY) : null;
for (const { name, fn } of tests.filter((x) => !only || only.test(x.name))) {
  const t0 = Date.now();
  const { context, page } = await newPage();
  const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  try {
    await fn({ page, context });
    ok++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err.message}`);
  }
  await page.screenshot({ path: path.join(shots, `${slug}.png`), fullPage: true }).catch(() => {});
  await context.close();
}
await browser.close();
await server.stop();

const assets = path.join(consoleDir, 'assets');
let gz = 0;
for (const f of readdirSync(assets)) gz += gzipSync(readFileSync(path.join(assets, f))).length;
gz += gzipSync(readFileSync(path.join(consoleDir, 'index.html'))).length;
console.log(`bundle: ${(gz / 1024).toFixed(1)} kB gzipped (budget 300 kB)`);
console.log(`${ok}/${tests.length} passed in ${Date.now() - started} ms; screenshots in ${shots}`);
if (gz > 300 * 1024) failures.push('bundle size');
process.exit(failures.length ? 1 : 0);
