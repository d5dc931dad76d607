// A real `mamori serve` for the end-to-end tests: the demo organisation
// (scripts/demo, without its server) in a scratch directory, one more
// record whose reading is in half-width katakana, loan_customer under
// two-person inquiry control, and the server with
// require_terminal_certificate on, serving the built console.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

function firstLine(proc) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (l) => resolve(JSON.parse(l)));
    proc.once('exit', (code) => reject(new Error(`mamori serve exited (${code})`)));
  });
}

export async function startServer({ mamori, root, scratch, consoleDir }) {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const data = path.join(scratch, 'demo');
  const witness = path.join(scratch, 'witness');
  // The organisation is made, and the server first started, a week ago
  // (faketime): the analysis then has daily lists of the business days
  // since, as a store in use would, for the list-confirmation test.
  const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10) + ' 01:00:00';
  // libfaketime preloaded into the processes themselves (not the faketime
  // wrapper, which would stand between a signal and the server).
  const faked = { ...process.env, LD_PRELOAD: FAKETIME_LIB, FAKETIME: `@${weekAgo}` };
  const env = { ...faked, MAMORI: mamori, MAMORI_DEMO_NO_SERVE: '1', MAMORI_WITNESS_DIR: witness };
  execFileSync(path.join(root, 'scripts/demo'), [data], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const past = spawn(mamori, ['serve', '--data', data, '--listen', '127.0.0.1:0',
    '--log-level', 'off', '--witness-dir', witness], { env: faked, stdio: ['ignore', 'pipe', 'inherit'] });
  await firstLine(past);
  await new Promise((r) => setTimeout(r, 1500)); // the analysis' first round stores its cursor
  past.kill('SIGTERM');
  await new Promise((r) => past.once('exit', r));
  const number = execFileSync(mamori, ['mynumber', 'generate', '--count', '1']).toString().trim();
  // The record is put at 23:30 JST yesterday (faketime): a write in the
  // night, which the analysis finds when the server starts, so that the
  // findings test has one to handle whatever the hour the run starts at.
  const lastNight = new Date(Date.now() - 86400_000).toISOString().slice(0, 10) + ' 14:30:00';
  execFileSync(mamori, ['record', 'put', '--data', data, '--dataset', 'employee_my_number', '--purpose', 'withholding',
    '--json', JSON.stringify({ my_number: number, name: '山田 太郎', name_kana: 'ﾔﾏﾀﾞ ﾀﾛｳ', birth_date: '1990-04-01' })],
    { env: { ...process.env, LD_PRELOAD: FAKETIME_LIB, FAKETIME: `@${lastNight}` }, stdio: ['ignore', 'ignore', 'inherit'] });
  // No demo dataset names an inquiry scheme: loan_customer (融資部: ito_ken
  // its inquiry operator, kato_kacho its confirmer, through their existing
  // roles and grant) gets one, as a new audited version of its definition.
  const loan = JSON.parse(execFileSync(mamori, ['dataset', 'show', '--data', data, '--dataset', 'loan_customer',
    '--definition']).toString());
  loan.inquiry_control = 'pre_approval';
  const loanFile = path.join(scratch, 'loan_customer.json');
  writeFileSync(loanFile, JSON.stringify(loan));
  execFileSync(mamori, ['dataset', 'update', '--data', data, '--file', loanFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const pki = path.join(data, 'demo-pki');
  const server = spawn(mamori, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--log-level', 'warn',
    '--client-ca', path.join(pki, 'ca.crt'), '--require-terminal-certificate',
    '--witness-dir', witness, '--console-dir', consoleDir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await firstLine(server);
  return {
    url: first.url,
    consoleUrl: first.console_url,
    data,
    password: readFileSync(path.join(data, 'demo-initial-password'), 'utf8').trim(),
    cert: { certPath: path.join(pki, 'terminal.crt'), keyPath: path.join(pki, 'terminal.key') },
    pki,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}
