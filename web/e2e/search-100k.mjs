// The search figure at scale (not part of ctest: it takes minutes):
// the e2e set-up (the demo organisation in a scratch directory, a real
// `mamori serve` with require_terminal_certificate), then COUNT synthetic
// records (default 100,000) put into employee_my_number through the API by
// its handler — synthetic names and readings, My Numbers from `mamori
// mynumber generate` —, then the console's search answer on screen
// measured with Playwright (Debian's Chromium), from the click to the
// results table: the one record read ﾔﾏﾀﾞ ﾀﾛｳ found by hiragana, and a
// name 60-odd records share (the console shows the first 20).
//
//   node web/e2e/search-100k.mjs build/release/src/cli/mamori \
//        build/release/src/cli/console /tmp/search-100k [COUNT]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const [mamori, consoleDir, outDir] = process.argv.slice(2, 5).map((p) => path.resolve(p));
const COUNT = Number(process.argv[5] ?? 100_000);
const PASSWORD = 'Search-100k-2026!';
const USER = 'sato_hanako';

// Synthetic names: 40 family names × 40 given names (1,600 pairs), written
// in kanji with their reading in full-width katakana.
const FAMILY = [['佐々木', 'ササキ'], ['高橋', 'タカハシ'], ['渡辺', 'ワタナベ'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'], ['井上', 'イノウエ'],
  ['木村', 'キムラ'], ['林', 'ハヤシ'], ['清水', 'シミズ'], ['山崎', 'ヤマザキ'], ['森', 'モリ'],
  ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'], ['石川', 'イシカワ'], ['山下', 'ヤマシタ'],
  ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'], ['前田', 'マエダ'], ['岡田', 'オカダ'],
  ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['近藤', 'コンドウ'], ['村上', 'ムラカミ'],
  ['遠藤', 'エンドウ'], ['青木', 'アオキ'], ['坂本', 'サカモト'], ['斉藤', 'サイトウ'], ['福田', 'フクダ'],
  ['太田', 'オオタ'], ['西村', 'ニシムラ'], ['藤井', 'フジイ'], ['金子', 'カネコ'], ['岡本', 'オカモト']];
const GIVEN = [['一郎', 'イチロウ'], ['二郎', 'ジロウ'], ['三郎', 'サブロウ'], ['健太', 'ケンタ'], ['翔太', 'ショウタ'],
  ['大輔', 'ダイスケ'], ['拓也', 'タクヤ'], ['直樹', 'ナオキ'], ['和也', 'カズヤ'], ['達也', 'タツヤ'],
  ['誠', 'マコト'], ['修', 'オサム'], ['浩', 'ヒロシ'], ['学', 'マナブ'], ['茂', 'シゲル'],
  ['陽子', 'ヨウコ'], ['恵子', 'ケイコ'], ['裕子', 'ユウコ'], ['美穂', 'ミホ'], ['直美', 'ナオミ'],
  ['真由美', 'マユミ'], ['由美', 'ユミ'], ['明美', 'アケミ'], ['久美子', 'クミコ'], ['智子', 'トモコ'],
  ['さくら', 'サクラ'], ['美咲', 'ミサキ'], ['愛', 'アイ'], ['舞', 'マイ'], ['彩', 'アヤ'],
  ['蓮', 'レン'], ['悠真', 'ユウマ'], ['湊', 'ミナト'], ['陽翔', 'ハルト'], ['結衣', 'ユイ'],
  ['陽菜', 'ヒナ'], ['葵', 'アオイ'], ['凛', 'リン'], ['芽依', 'メイ'], ['大和', 'ヤマト']];

const t0 = Date.now();
const server = await startServer({ mamori, root, scratch: path.join(outDir, 'scratch'), consoleDir });
console.log(`set-up: ${Date.now() - t0} ms`);
const agent = new https.Agent({
  keepAlive: true, maxSockets: 8, rejectUnauthorized: false,
  cert: readFileSync(server.cert.certPath), key: readFileSync(server.cert.keyPath),
});

function call(method, p, body, token) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(p, server.url), {
      method, agent,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode >= 300) reject(new Error(`${method} ${p}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

// The handler's forced password change, then a session to load with.
const first = await call('POST', '/v1/auth/login', { user: USER, password: server.password });
await call('POST', '/v1/auth/password', { current: server.password, new: PASSWORD }, first.token);
const { token } = await call('POST', '/v1/auth/login', { user: USER, password: PASSWORD });

const numbers = execFileSync(mamori, ['mynumber', 'generate', '--count', String(COUNT)], { maxBuffer: 64 << 20 })
  .toString().trim().split('\n');
const tLoad = Date.now();
let next = 0;
async function loader() {
  for (let i = next++; i < COUNT; i = next++) {
    const [family, familyKana] = FAMILY[i % FAMILY.length];
    const [given, givenKana] = GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length];
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    await call('POST', '/v1/datasets/employee_my_number/records?purpose=withholding', {
      my_number: numbers[i], name: `${family} ${given}`, name_kana: `${familyKana} ${givenKana}`,
      birth_date: `${1950 + (i % 50)}-${month}-${day}`,
    }, token);
    if ((i + 1) % 10_000 === 0) console.log(`loaded ${i + 1} (${Date.now() - tLoad} ms)`);
  }
}
await Promise.all(Array.from({ length: 8 }, loader));
console.log(`load: ${COUNT} records in ${Date.now() - tLoad} ms`);
await call('POST', '/v1/auth/logout', undefined, token);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({
  ignoreHTTPSErrors: true, locale: 'ja-JP', timezoneId: 'UTC',
  clientCertificates: [{ origin: server.url.replace(/\/$/, ''), ...server.cert }],
});
const page = await context.newPage();
await page.goto(server.consoleUrl);
await page.getByLabel(/利用者ID/).fill(USER);
await page.getByLabel(/^パスワード$/).fill(PASSWORD);
await page.getByRole('button', { name: 'ログオン' }).click();
await page.getByTestId('last-logon').waitFor();
await page.getByRole('navigation').getByRole('link', { name: '台帳・記録の検索', exact: true }).click();
await page.getByLabel('データセット').selectOption('employee_my_number');
await page.getByLabel('利用目的').selectOption('withholding');

// Each search 5 times; the figure is the median, the range beside it.
async function measure(text, rows) {
  const times = [];
  for (let k = 0; k < 5; k++) {
    await page.getByLabel(/氏名またはフリガナ/).fill(text);
    const start = Date.now();
    await page.getByRole('button', { name: '検索' }).click();
    await page.getByTestId('results').locator('tbody tr').nth(rows - 1).waitFor();
    times.push(Date.now() - start);
    const shown = await page.getByTestId('results').locator('tbody tr').count();
    if (shown !== rows) throw new Error(`${text}: ${shown} rows shown, ${rows} expected`);
  }
  times.sort((a, b) => a - b);
  return `median ${times[2]} ms (${times[0]}–${times[4]} ms)`;
}
const unique = await measure('やまだ　たろう', 1);
let sharing = 0; // 高橋 一郎: the records i ≡ 1 (mod 1,600)
for (let i = 1; i < COUNT; i += FAMILY.length * GIVEN.length) sharing++;
const common = await measure('たかはし　いちろう', Math.min(20, sharing));
console.log(`search at ${COUNT} records: one record found by hiragana: ${unique}; a name ${sharing} records share (${Math.min(20, sharing)} shown): ${common}`);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`);
await browser.close();
await server.stop();
