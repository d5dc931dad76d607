// A real `mamori serve` for the end-to-end tests: the demo organisation
// (scripts/demo, without its server) in a scratch directory, one more
// record whose reading is in half-width katakana, and the server with
// require_terminal_certificate on, serving the built console.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';

export async function startServer({ mamori, root, scratch, consoleDir }) {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const data = path.join(scratch, 'demo');
  const env = { ...process.env, MAMORI: mamori, MAMORI_DEMO_NO_SERVE: '1', MAMORI_WITNESS_DIR: path.join(scratch, 'witness') };
  execFileSync(path.join(root, 'scripts/demo'), [data], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const number = execFileSync(mamori, ['mynumber', 'generate', '--count', '1']).toString().trim();
  execFileSync(mamori, ['record', 'put', '--data', data, '--dataset', 'employee_my_number', '--purpose', 'withholding',
    '--json', JSON.stringify({ my_number: number, name: '山田 太郎', name_kana: 'ﾔﾏﾀﾞ ﾀﾛｳ', birth_date: '1990-04-01' })],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const pki = path.join(data, 'demo-pki');
  const server = spawn(mamori, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--log-level', 'warn',
    '--client-ca', path.join(pki, 'ca.crt'), '--require-terminal-certificate',
    '--witness-dir', path.join(scratch, 'witness'), '--console-dir', consoleDir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.once('line', (l) => resolve(JSON.parse(l)));
    server.once('exit', (code) => reject(new Error(`mamori serve exited (${code})`)));
  });
  return {
    url: first.url,
    consoleUrl: first.console_url,
    data,
    password: readFileSync(path.join(data, 'demo-initial-password'), 'utf8').trim(),
    cert: { certPath: path.join(pki, 'terminal.crt'), keyPath: path.join(pki, 'terminal.key') },
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}
