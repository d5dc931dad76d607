// The frame around every screen: skip link, header (who, the previous
// log-on, language, era, log-off), navigation, the idle warning.
import type { ComponentChildren } from 'preact';
import { era, lang, t, type Text } from '../i18n';
import { offers } from '../lib/nav';
import { end, idleWarning, session, stayLoggedOn } from '../session';
import { useSignal } from '../signal';
import { BROWSE } from './Browse';
import { When } from './common';

export const SCREENS: { id: string; label: Text }[] = [
  { id: 'work', label: ['わたしの作業', 'My work'] },
  { id: 'records', label: ['台帳・記録の検索', 'Records'] },
  { id: 'ledger', label: ['データセット台帳', 'Dataset ledger'] },
  { id: 'disposals', label: ['削除・廃棄の記録', 'Disposal records'] },
  { id: 'approvals', label: ['承認', 'Approvals'] },
  { id: 'inquiries', label: ['照会', 'Inquiries'] },
  { id: 'exceptions', label: ['例外措置', 'Exceptions'] },
  { id: 'rights-flow', label: ['権限の申請・見直し', 'Rights requests'] },
  { id: 'takeouts', label: ['持ち出し', 'Take-outs'] },
  { id: 'lists', label: ['確認リスト', 'Daily lists'] },
  { id: 'findings', label: ['分析の指摘事項', 'Findings'] },
  { id: 'report', label: ['準拠状況報告', 'Compliance report'] },
  ...BROWSE.map(({ id, label }) => ({ id, label })),
  { id: 'incidents', label: ['インシデント', 'Incidents'] },
  { id: 'registers', label: ['管理台帳', 'Registers'] },
  { id: 'governance', label: ['点検・監査・教育', 'Inspections, audits, training'] },
  { id: 'audit-verify', label: ['監査ログの検証', 'Audit log verification'] },
  { id: 'admin', label: ['管理', 'Administration'] },
];

const RESULTS: Record<string, Text> = {
  ok: ['成功', 'successful'],
  failed: ['失敗', 'failed'],
  refused: ['拒否', 'refused'],
  locked: ['ロック', 'locked'],
};

export function Shell({ screen, children }: { screen: string; children: ComponentChildren }) {
  const s = useSignal(session)!;
  useSignal(lang);
  useSignal(era);
  const warn = useSignal(idleWarning);
  const last = s.lastLogon;
  return (
    <div class="shell">
      {/* The screens are hash routes (#/records): following "#main" would
          change the hash and leave the screen for "my work". The link moves
          the focus to the content instead, and keeps its href for what a
          link is expected to be. */}
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>{t(['本文へ移動', 'Skip to content'])}</a>
      <header>
        <span class="brand">mamori</span>
        <span data-testid="who">
          {s.principal.display_name || s.principal.id} ({s.principal.department})
        </span>
        <span class="last-logon" data-testid="last-logon">
          {t(['前回のログオン: ', 'Previous log-on: '])}
          {last.time ? (
            <>
              <When value={last.time} /> {t(RESULTS[last.result ?? ''] ?? [last.result ?? '', last.result ?? ''])}
              {last.failures_since > 0 &&
                t([`（その後の失敗 ${last.failures_since}回）`, ` (${last.failures_since} failures since)`])}
            </>
          ) : (
            t(['なし (初回)', 'none (first log-on)'])
          )}
        </span>
        <button type="button" onClick={() => (lang.value = lang.value === 'ja' ? 'en' : 'ja')}
          lang={lang.value === 'ja' ? 'en' : 'ja'}>
          {lang.value === 'ja' ? 'English' : '日本語'}
        </button>
        <button type="button" aria-pressed={era.value === 'wareki'}
          onClick={() => (era.value = era.value === 'wareki' ? 'seireki' : 'wareki')}>
          {era.value === 'wareki' ? t(['西暦で表示', 'Show Gregorian years']) : t(['和暦で表示', 'Show Japanese eras'])}
        </button>
        <button type="button" onClick={() => void end('logout')}>{t(['ログオフ', 'Log off'])}</button>
        <button type="button" onClick={() => void end('everywhere')}>
          {t(['すべてのセッションを終了', 'End all my sessions'])}
        </button>
      </header>
      {/* The screens the server allows this session now (lib/nav.ts); another one
          reached by its URL shows the API's refusal, explained. */}
      <nav aria-label={t(['画面', 'Screens'])}>
        <ul>
          {SCREENS.filter((x) => offers(x.id, s.operations)).map((x) => (
            <li key={x.id}>
              <a href={`#/${x.id}`} aria-current={screen === x.id ? 'page' : undefined}>{t(x.label)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>{children}</main>
      {warn && (
        <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" data-testid="idle-warning">
          <h2 id="idle-title">{t(['まもなく自動ログオフします', 'You will be logged off soon'])}</h2>
          <p>{t(['操作がないため、1分以内にログオフします。続けますか。', 'Without activity you will be logged off within a minute. Continue?'])}</p>
          <button type="button" autoFocus onClick={() => void stayLoggedOn()}>{t(['続ける', 'Continue'])}</button>
          <button type="button" onClick={() => void end('logout')}>{t(['ログオフ', 'Log off'])}</button>
        </div>
      )}
    </div>
  );
}
