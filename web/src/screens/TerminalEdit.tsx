// A registered terminal's details changed (PATCH /v1/terminals/{terminal}):
// its client certificate renewed (the new fingerprint), its description,
// whether it is inside the controlled area. Only the members changed are
// sent (lib/terminal.ts); the server decides who may (the administrator and
// the terminal manager) and says why not to others.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { terminalDetails, terminalPatch, type TerminalDetails } from '../lib/terminal';
import { Choice, Field, Refusal, useRefusal } from './common';

export function TerminalEdit({ terminals, onDone }: { terminals: any[]; onDone: () => void }) {
  const [id, setId] = useState('');
  const [f, setF] = useState<TerminalDetails>({ fingerprint: '', description: '', controlled_area: false });
  const { refused, setRefused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  const original = terminalDetails(terminals.find((x) => x.id === id) ?? {});
  function pick(v: string) {
    setId(v);
    setDone('');
    setRefused(null);
    setF(terminalDetails(terminals.find((x) => x.id === v) ?? {}));
  }
  async function save(e: Event) {
    e.preventDefault();
    setDone('');
    const body = terminalPatch(original, f);
    if (Object.keys(body).length === 0) {
      setDone(t(['変更された項目がありません (送信していません)', 'Nothing changed (nothing sent)']));
      return;
    }
    if ((await attempt(() => api('PATCH', `terminals/${encodeURIComponent(id)}`, body))) !== undefined) {
      setDone(t(['変更しました', 'Changed']) + `: ${Object.keys(body).join(', ')}`);
      onDone();
    }
  }
  return (
    <form onSubmit={(e) => void save(e)} aria-labelledby="terminal-edit-title" data-testid="terminal-edit">
      <h3 id="terminal-edit-title">{t(['端末情報の変更', 'Change a terminal\'s details'])}</h3>
      <p class="help">{t(['変更した項目だけを送ります。証明書を更新したときは新しい指紋を記入します。',
        'Only the items changed are sent. After a certificate renewal, enter the new fingerprint.'])}</p>
      <Choice label={['変更する端末', 'Terminal to change']} name="edit-terminal" value={id} set={pick}
        options={terminals.map((x) => [x.id, x.id])} placeholder={['— 選んでください —', '— choose —']} />
      <Field label={['端末の説明', 'Terminal description']} name="edit-description" disabled={!id}
        value={f.description} set={(v) => setF({ ...f, description: v })} />
      <Field label={['証明書の指紋 (更新時は新しい指紋、SHA-256, 16進)', 'Certificate fingerprint (the new one after a renewal; SHA-256, hex)']} name="edit-fingerprint"
        disabled={!id} autoComplete="off" value={f.fingerprint} set={(v) => setF({ ...f, fingerprint: v })} />
      <label>
        <input type="checkbox" class="inline" name="edit-controlled-area" disabled={!id} checked={f.controlled_area}
          onChange={(e) => setF({ ...f, controlled_area: e.currentTarget.checked })} />{' '}
        {t(['管理区域内の端末', 'Inside the controlled area'])}
      </label>
      <button type="submit" disabled={!id}>{t(['端末情報を変更する', 'Change the terminal'])}</button>
      {done && <p role="status" data-testid="terminal-edit-done">{done}</p>}
      <Refusal problem={refused} />
    </form>
  );
}
