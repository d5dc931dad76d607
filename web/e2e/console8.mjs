// End-to-end tests of the fifth console round (docs/CONSOLE.md): flows that
// were built but not driven, each with the refusal of someone not allowed.
// run.mjs imports this module and calls console8Tests with its helpers; the
// tests run after run.mjs's own (they use the incident its tests reported
// and triaged, the self-inspection the CISO planned and the TOTP enrolments
// made there).
//
// The people act in their own browser contexts, each logged on once, so
// that a person with TOTP does not log on twice within one 30-second step
// (the server refuses a step already used).

export function console8Tests({ test, check, axe, logonReady, logonWithTotp, goTo, newPage, incident, shotsDir }) {
  // The name is a screenshot's file name too: kept short.
  test('console8: navigation by operations, disposal, police step, improvement order, credential reset, service account', async ({ page }) => {
    const opened = [];
    const pages = { tanaka_kacho: page };
    const as = async (user, { totp = false } = {}) => {
      const { context, page: p } = await newPage();
      opened.push(context);
      pages[user] = p;
      await (totp ? logonWithTotp(p, user) : logonReady(p, user));
      return p;
    };
    // Which part failed, and a screenshot of each person's page then.
    let at = 'start';
    const part = (name) => { at = name; };
    try {
      part('record listed by the handler');
      // A record of employee_my_number to dispose of, as its handler lists
      // them (not the set-up's 山田 record, which other tests use).
      const sato = await as('sato_hanako');
      await goTo(sato, '台帳・記録の検索');
      await sato.getByLabel('データセット').selectOption('employee_my_number');
      await sato.getByLabel('利用目的').selectOption('withholding');
      await sato.getByRole('button', { name: '検索' }).click();
      const record = await sato.getByTestId('results').locator('tbody tr').filter({ hasNotText: /山田|ﾔﾏﾀﾞ|ヤマダ/ })
        .last().getAttribute('data-id');
      check(/^[0-9a-f]{32}$/.test(record ?? ''), `a record to dispose of: ${record}`);

      part('self-inspection answered, disposal applied');
      // 総務課長 answers his own self-inspection checklist (総務部 then has
      // answered, so an order can name it).
      const tanaka = page;
      await logonReady(tanaka, 'tanaka_kacho');
      const nav = tanaka.getByRole('navigation');
      // The navigation from the session's operations: a section manager
      // reads people (管理) and the ledger, not the compliance report.
      check(await nav.getByRole('link', { name: '管理', exact: true }).isVisible(), '管理 offered to a section manager (user.list)');
      check(await nav.getByRole('link', { name: 'データセット台帳', exact: true }).isVisible(), 'the ledger offered (dataset.ledger)');
      check((await nav.getByRole('link', { name: '準拠状況報告', exact: true }).count()) === 0, 'no compliance report (report.compliance)');
      await goTo(tanaka, '点検・監査・教育');
      const checklist = tanaka.getByTestId('self-inspection');
      const yes = checklist.locator('input[type=radio][value=yes]');
      await yes.first().waitFor();
      const item = await yes.first().getAttribute('name');
      for (const radio of await yes.all()) await radio.check();
      await checklist.getByRole('button', { name: '回答する' }).click();
      await tanaka.getByTestId('self-inspection-done').waitFor();
      // He holds the shred grant (not read or find): he applies to dispose
      // of the record before its retention ends; his own approval refused.
      await goTo(tanaka, '承認');
      await tanaka.getByLabel('対象', { exact: true }).fill(`employee_my_number/${record}`);
      await tanaka.getByLabel('作業', { exact: true }).fill('record.shred');
      await tanaka.getByLabel('理由', { exact: true }).fill('retention.early_disposal');
      await tanaka.getByRole('button', { name: '申請する' }).click();
      const shred = (await tanaka.getByTestId('applied').innerText()).replace(/^.*: /, '');
      await tanaka.getByTestId('approvals-mine').locator(`tr[data-id="${shred}"]`).getByRole('button', { name: '承認' }).click();
      const ownShred = await tanaka.getByTestId('refusal').first().innerText();
      check(ownShred.includes('権限') || ownShred.includes('承認'), `his own approval of the disposal refused: ${ownShred}`);

      part('CISO: incident decided, evaluation, order');
      // The CISO: the incident decided; the self-inspection evaluated, an
      // improvement order for 総務部; its completion refused to her (a
      // manager of 総務部 reports it).
      const ciso = await as('yamamoto_ciso', { totp: true });
      await goTo(ciso, 'インシデント');
      const openIncident = async (p) => {
        await p.getByTestId('incidents').locator(`tr[data-id="${incident()}"]`).getByRole('button', { name: '開く' }).click();
        await p.getByTestId('incident-state').waitFor();
      };
      const recordStep = async (p, step, then) => {
        await p.locator('select[name=step]').selectOption(step);
        if (then) await then();
        await p.getByRole('button', { name: '記録する' }).click();
      };
      await openIncident(ciso);
      await recordStep(ciso, 'decide');
      await ciso.getByTestId('incident-state').filter({ hasText: '方針決定' }).waitFor();
      await goTo(ciso, '点検・監査・教育');
      await ciso.getByTestId('governance-count').waitFor();
      const inspection = await ciso.locator('select[name=row] option').nth(1).getAttribute('value');
      await ciso.locator('select[name=row]').selectOption(inspection);
      await ciso.getByLabel('評価 (コード)').fill('partly_met');
      await ciso.getByRole('button', { name: '評価を記録' }).click();
      await ciso.getByTestId('governance-step-done').waitFor();
      await ciso.getByLabel('部署', { exact: true }).fill('総務部');
      await ciso.getByLabel('点検項目').fill(item);
      await ciso.getByLabel('改善策 (コード)').fill('retraining');
      await ciso.getByLabel('期限', { exact: true }).fill(new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10));
      await ciso.getByRole('button', { name: '改善を指示' }).click();
      const order = (await ciso.getByTestId('governance-step-done').filter({ hasText: ': ' }).innerText()).replace(/^.*: /, '');
      check(/\S/.test(order), `an improvement order made: ${order}`);
      await ciso.getByLabel(/改善指示ID/).fill(order);
      await ciso.getByRole('button', { name: '改善指示の完了を報告' }).click();
      const steps = ciso.locator('form', { has: ciso.getByRole('heading', { name: '手続' }) });
      const notHers = await steps.getByTestId('refusal').innerText();
      check(/[ぁ-んァ-ン一-龯]/.test(notHers), `the completion refused to the CISO: ${notHers}`);

      part('SIRT: police refused, contain, check');
      // The SIRT: the police step refused (the CISO line decides it); the
      // containment and the other systems' check recorded.
      const sirt = await as('kobayashi_sirt');
      await goTo(sirt, 'インシデント');
      await openIncident(sirt);
      await recordStep(sirt, 'police', () => sirt.locator('select[name=police]').selectOption('false'));
      const police = await sirt.getByTestId('incident').getByTestId('refusal').first().innerText();
      check(/[ぁ-んァ-ン一-龯]/.test(police), `the police step refused to the SIRT: ${police}`);
      check((await sirt.getByTestId('incident-state').innerText()).includes('方針決定'), 'the incident unchanged');
      await recordStep(sirt, 'contain');
      await sirt.getByTestId('incident').locator('tbody tr').filter({ hasText: 'contain' }).waitFor();
      await recordStep(sirt, 'check_systems');
      await sirt.getByTestId('incident').locator('tbody tr').filter({ hasText: 'check_systems' }).waitFor();

      part('CISO: police step');
      // The CISO again (same session): by an attack, so not reporting it to
      // the police needs the decision's reason code — refused without it,
      // recorded with it.
      await goTo(ciso, 'インシデント');
      await openIncident(ciso);
      await ciso.locator('select[name=amend-attack]').selectOption('true');
      await ciso.getByRole('button', { name: '更新する' }).click();
      await ciso.getByTestId('incident-amended').waitFor();
      await recordStep(ciso, 'police', () => ciso.locator('select[name=police]').selectOption('false'));
      const noReason = await ciso.getByTestId('incident').getByTestId('refusal').first().innerText();
      check(noReason.includes('理由'), `no police report of an attack without a reason code: ${noReason}`);
      await ciso.getByLabel(/判断の理由/).fill('no_damage');
      await ciso.getByRole('button', { name: '記録する' }).click();
      await ciso.getByTestId('incident-state').filter({ hasText: '届出判断済み' }).waitFor();
      await axe(ciso, 'incidents (police decided)');

      part('総務課長: order completed, credential reset');
      // 総務課長 (his first session): the order completed; a credential
      // reset for 融資部's handler (he holds rights) requested, his own
      // approval refused; the service accounts not his to read.
      await goTo(tanaka, '点検・監査・教育');
      await tanaka.getByTestId('governance-count').waitFor();
      await tanaka.locator('select[name=row]').selectOption(inspection);
      await tanaka.getByLabel(/改善指示ID/).fill(order);
      await tanaka.getByRole('button', { name: '改善指示の完了を報告' }).click();
      await tanaka.getByTestId('governance-step-done').waitFor();
      await goTo(tanaka, '権限の申請・見直し');
      const other = tanaka.getByTestId('rights-other');
      await other.getByLabel('申請の種類').selectOption('credential_reset');
      await other.getByLabel('対象者ID').fill('ito_ken');
      await other.getByLabel('再設定する認証情報').selectOption('password');
      await other.getByLabel('申請理由').fill('パスワード失念のため');
      await other.getByRole('button', { name: '申請する' }).click();
      const reset = (await tanaka.getByTestId('rights-other-requested').innerText()).replace(/^.*: /, '');
      const resetRow = (p) => p.getByTestId('rights-requests').locator(`tr[data-id="${reset}"][data-kind="credential_reset"]`);
      await resetRow(tanaka).getByRole('button', { name: '承認' }).click();
      const own = await tanaka.getByTestId('refusal').first().innerText();
      check(own.includes('権限') || own.includes('承認'), `his own approval of the reset refused: ${own}`);
      check((await resetRow(tanaka).getAttribute('data-state')) === 'requested', 'still requested');
      await axe(tanaka, 'rights (credential reset requested)');
      await goTo(tanaka, '管理');
      await tanaka.getByRole('button', { name: 'サービスアカウント' }).click();
      const accounts = await tanaka.getByTestId('refusal').first().innerText();
      check(accounts.includes('権限'), `the service accounts refused to a section manager: ${accounts}`);
      check((await tanaka.getByTestId('service-accounts').count()) === 0, 'no service accounts shown to him');

      part('総務部長: approvals');
      // 総務部長 approves the reset and the disposal.
      const suzuki = await as('suzuki_bucho');
      await goTo(suzuki, '権限の申請・見直し');
      await resetRow(suzuki).getByRole('button', { name: '承認' }).click();
      await suzuki.locator(`tr[data-id="${reset}"][data-state="approved"]`).waitFor();
      await goTo(suzuki, '承認');
      const pendingShred = suzuki.getByTestId('approvals-pending').locator(`tr[data-id="${shred}"]`);
      await pendingShred.getByRole('button', { name: '承認' }).click();
      await pendingShred.waitFor({ state: 'detached' });

      part('総務課長: disposal');
      // 総務課長 disposes of the record from his approved request; the
      // ledger counts it (as its readers see it).
      await goTo(tanaka, 'データセット台帳');
      const ledgerRow = tanaka.getByTestId('ledger').locator('tr[data-id="employee_my_number"]');
      const disposedBefore = Number((await ledgerRow.locator('td').nth(6).innerText()).replace(/,/g, ''));
      await goTo(tanaka, '承認');
      const mineShred = tanaka.getByTestId('approvals-mine').locator(`tr[data-id="${shred}"]`);
      await mineShred.getByRole('button', { name: '記録を廃棄する' }).click();
      check((await tanaka.getByTestId('approval-disposed').innerText()).includes('廃棄しました'), 'the record disposed of');
      await axe(tanaka, 'approvals (disposal)');
      await goTo(tanaka, 'データセット台帳');
      const disposedAfter = Number((await ledgerRow.locator('td').nth(6).innerText()).replace(/,/g, ''));
      check(disposedAfter === disposedBefore + 1, `the disposal counted in the ledger: ${disposedBefore} → ${disposedAfter}`);

      part('administrator: reset, service account');
      // The administrator: the password reset of a rights holder, naming the
      // approved request; a service account registered with its
      // certificate and role, then its certificate replaced.
      const admin = await as('soumu_kanri', { totp: true });
      await goTo(admin, '管理');
      await admin.locator('select[name=user]').selectOption('ito_ken');
      await admin.getByLabel(/^仮パスワード$/).fill('Temporary-Pass-2026!');
      await admin.getByLabel(/パスワード再設定の承認済み申請ID/).fill(reset);
      await admin.getByRole('button', { name: '再設定する' }).click();
      check((await admin.getByTestId('user-done').innerText()).includes('仮パスワード'), 'the reset with the approved request');
      await admin.getByRole('button', { name: 'サービスアカウント' }).click();
      await admin.getByTestId('service-accounts').waitFor();
      await admin.getByLabel('アカウントID').fill('e2e-batch');
      await admin.getByLabel('名称', { exact: true }).fill('夜間バッチ (e2e)');
      await admin.getByLabel(/クライアント証明書の指紋/).fill('cd'.repeat(32));
      await admin.getByLabel(/ロール \(カンマ区切り\)/).fill('handler');
      await admin.getByRole('button', { name: '登録する' }).click();
      const account = admin.getByTestId('service-accounts').locator('tr[data-id="e2e-batch"][data-state="active"]');
      await account.filter({ hasText: 'handler' }).waitFor();
      await admin.locator('select[name=account]').selectOption('e2e-batch');
      await admin.getByLabel(/新しい証明書の指紋/).fill('ef'.repeat(32));
      await admin.getByRole('button', { name: '更新する' }).click();
      await admin.getByTestId('account-step-done').waitFor();
      await account.filter({ hasText: 'ef'.repeat(32) }).waitFor();
      await axe(admin, 'administration (service account)');
    } catch (err) {
      for (const [user, p] of Object.entries(pages)) {
        await p.screenshot({ path: `${shotsDir}/console8-failed-${user}.png`, fullPage: true }).catch(() => {});
      }
      throw new Error(`${at}: ${err.message}`);
    } finally {
      for (const c of opened) await c.close();
    }
  });
}
