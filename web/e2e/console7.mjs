// End-to-end checks of the fifth round's screens (run by run.mjs after its
// own tests, with its helpers and the people it has logged on already):
// branch requests of inquiries, their reconciliation and the daily inquiry
// lists; the exception ledger's approvers, trends and reports; a terminal's
// details changed; the disposal certificates printed on A4; the
// Commission's report form as JSON. Each with the person the API allows
// and one it refuses, axe-core on each new screen. One test, four log-ons
// (each person once: a second TOTP log-on within the same 30-second step
// would be a replay).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function registerConsole7({ test, check, axe, logonReady, logonWithTotp, goTo, printed, shots, outDir, incident }) {
  const logoff = (page) => page.getByRole('button', { name: 'ログオフ' }).click();
  const tab = (page, name) => page.getByRole('button', { name, exact: true }).click();
  const byUrl = async (page, hash, heading) => {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const refusalIn = (locator) => locator.getByTestId('refusal').first().innerText();

  test('console7: branch requests, reconciliation and inquiry lists; exception reports, trends and approvers; a terminal changed; disposal certificates on A4; the report form as JSON — each refused to those the API refuses', async ({ page }) => {
    const started = Date.now();
    const incidentRow = () => page.getByTestId('incidents').locator(`tr[data-id="${incident()}"]`);

    // 総務部's handler: none of it is hers. The inquiry screen (not in her
    // navigation) reached by its URL: requests, reconciliation and lists
    // refused and explained; the exception reports and trends refused, who
    // approves shown; the disposal records refused; the report form of the
    // incident she reported refused.
    await logonReady(page, 'sato_hanako');
    await byUrl(page, '#/inquiries', '照会');
    await tab(page, '営業店からの依頼・突合');
    const requests = await refusalIn(page.getByTestId('branch-requests-refused'));
    check(requests.includes('権限'), `branch requests refused to a handler: ${requests}`);
    await page.getByLabel('依頼の対象データセット').fill('loan_customer');
    await page.getByLabel(/営業店で確認した同意書/).fill('BR-2026-0000');
    await page.getByRole('button', { name: '依頼を登録する' }).click();
    const register = await refusalIn(page.locator('form', { has: page.getByRole('heading', { name: /本部への照会依頼の登録/ }) }));
    check(register.includes('権限'), `a branch request refused to a handler: ${register}`);
    await page.getByRole('button', { name: '突合する' }).click();
    const reconcile = await refusalIn(page.getByTestId('reconciliation-refused'));
    check(reconcile.includes('権限'), `the reconciliation refused to a handler: ${reconcile}`);
    check((await page.getByTestId('reconciliation').count()) === 0 && (await page.getByTestId('branch-requests').count()) === 0,
      'no request or reconciliation shown to a handler');
    await axe(page, 'inquiries: branch requests refused (handler)');
    await tab(page, '照会のリスト (日次)');
    await page.getByTestId('inquiry-lists-refused').waitFor();
    check((await page.getByTestId('inquiry-lists').count()) === 0, 'no inquiry list shown to a handler');
    await goTo(page, '例外措置');
    await tab(page, '報告・傾向・許可権限者');
    await page.getByTestId('exception-approvers').waitFor();
    await page.getByTestId('exception-reports-refused').waitFor();
    await page.getByTestId('exception-trends-refused').waitFor();
    check((await page.getByTestId('exception-reports').count()) === 0, 'no report shown to a handler');
    await axe(page, 'exceptions: reports refused (handler)');
    check((await page.getByRole('navigation').getByRole('link', { name: '削除・廃棄の記録', exact: true }).count()) === 0,
      'no disposal records in the handler\'s navigation');
    await byUrl(page, '#/disposals', '削除・廃棄の記録');
    await page.locator('select[name=disposal-dataset]').selectOption('employee_my_number');
    const disposals = await refusalIn(page.getByTestId('disposals-refused'));
    check(disposals.includes('権限'), `disposal records refused to a handler: ${disposals}`);
    check((await page.getByTestId('disposal-certificate').count()) === 0, 'no certificate for a handler');
    await axe(page, 'disposals (handler refused)');
    await goTo(page, 'インシデント');
    await incidentRow().getByRole('button', { name: '開く' }).click();
    await page.locator('select[name=form-format]').selectOption('json');
    await page.getByRole('button', { name: '速報', exact: true }).click();
    const form = await refusalIn(page.getByTestId('incident'));
    check(form.includes('権限'), `the report form refused to the reporter: ${form}`);
    check((await page.getByTestId('report-form-items').count()) === 0, 'no form items for her');

    // 融資部's confirmer and section manager: a request of his branch
    // registered, reconciled as the server answers it (one request, no
    // inquiry on it: 不一致, the request named); an inquiry list confirmed; the
    // exception reports and trends read, a report and a designation refused
    // (the CISO line's).
    await logoff(page);
    await logonReady(page, 'kato_kacho');
    await goTo(page, '照会');
    await tab(page, '営業店からの依頼・突合');
    await page.getByLabel('依頼の対象データセット').fill('loan_customer');
    await page.getByLabel(/営業店で確認した同意書/).fill('BR-2026-0001');
    await page.getByRole('button', { name: '依頼を登録する' }).click();
    const request = (await page.getByTestId('branch-request-done').innerText()).replace(/^.*: /, '');
    await page.getByTestId('branch-requests').locator(`tr[data-id="${request}"]`).filter({ hasText: '融資部' }).waitFor();
    await page.getByRole('button', { name: '突合する' }).click();
    const branch = page.getByTestId('reconciliation').locator('tr[data-branch="融資部"]');
    await branch.waitFor();
    check((await branch.getAttribute('data-matches')) === 'false', 'the branch unmatched');
    const cells = await branch.locator('td').allInnerTexts();
    check(cells[1] === '1' && cells[2] === '0' && cells[3] === '不一致' && cells[4].includes(request),
      `one request, no inquiry, unmatched, the request named: ${cells}`);
    check((await page.getByTestId('reconciliation-total').getAttribute('data-matches')) === 'false', 'the total unmatched');
    await axe(page, 'inquiries: reconciliation (confirmer)');
    // The inquiry lists of the business days since the set-up (loan_customer
    // under inquiry control): one confirmed by him (he made none of their
    // inquiries), gone from the pending ones, among the confirmed.
    await tab(page, '照会のリスト (日次)');
    const pending = page.getByTestId('inquiry-lists').locator('tbody tr[data-state="pending"]');
    await pending.first().waitFor();
    const list = await pending.first().getAttribute('data-id');
    await pending.first().getByRole('button', { name: '確認' }).click();
    await page.getByTestId('inquiry-list-done').waitFor();
    await page.getByTestId('inquiry-lists').locator(`tr[data-id="${list}"]`).waitFor({ state: 'detached' });
    await page.locator('select[name=inquiry-list-state]').selectOption('confirmed');
    await page.getByTestId('inquiry-lists').locator(`tr[data-id="${list}"][data-state="confirmed"]`).waitFor();
    await axe(page, 'inquiries: daily lists (confirmer)');
    await goTo(page, '例外措置');
    await tab(page, '報告・傾向・許可権限者');
    const months = page.getByTestId('exception-trends').locator('tbody tr');
    await months.first().waitFor();
    check((await months.count()) === 12, 'twelve months of trends');
    await page.getByTestId('exception-reports').waitFor();
    await page.getByRole('button', { name: '作成する' }).click();
    const produce = await refusalIn(page.locator('section', { has: page.getByRole('heading', { name: /申請状況報告/ }) }));
    check(produce.includes('権限'), `a report refused to a section manager: ${produce}`);
    await page.getByLabel(/^ロール/).fill('section_manager');
    await page.getByRole('button', { name: '指定する' }).click();
    const designation = await refusalIn(page.locator('form', { has: page.getByRole('heading', { name: /許可権限者の指定/ }) }));
    check(/[ぁ-んァ-ン一-龯]/.test(designation), `the designation refused to a section manager: ${designation}`);
    check((await page.getByTestId('exception-approvers').getAttribute('data-designated')) === 'false', 'nothing designated');
    await axe(page, 'exceptions: reports (section manager)');

    // The chief officer (統括情報セキュリティ責任者): this month's report
    // produced and acknowledged once; the approvers designated; the
    // disposal certificates (as many as the server answers) printed on A4;
    // the report form as JSON; a terminal's change refused (she reads the
    // terminals, does not manage them).
    await logoff(page);
    await logonWithTotp(page, 'yamamoto_ciso');
    await goTo(page, '例外措置');
    await tab(page, '報告・傾向・許可権限者');
    await page.getByTestId('exception-reports').waitFor();
    await page.getByRole('button', { name: '作成する' }).click();
    const report = (await page.getByTestId('exception-report-done').innerText()).replace(/^.*: /, '');
    const applied = await page.getByTestId('exception-report').locator('tr[data-category="applied"] td').first().innerText();
    check(Number(applied) >= 1, `this month's applications counted: ${applied}`);
    await page.getByTestId('exception-reports').locator(`tr[data-id="${report}"]`).getByRole('button', { name: '受領する' }).click();
    await page.getByTestId('exception-reports').locator(`tr[data-id="${report}"][data-acknowledged="true"]`).waitFor();
    await page.getByLabel(/^ロール/).fill('ciso, chief_officer');
    await page.getByRole('button', { name: '指定する' }).click();
    await page.getByTestId('exception-designate-done').waitFor();
    await page.locator('[data-testid=exception-approvers][data-designated=true]').waitFor();
    await axe(page, 'exceptions: reports (chief officer)');
    await page.screenshot({ path: path.join(shots, 'console7-exception-reports.png'), fullPage: true });
    await goTo(page, '削除・廃棄の記録');
    await page.locator('select[name=disposal-dataset]').selectOption('employee_my_number');
    const count = await page.getByTestId('disposals-count').innerText();
    const n = Number(count.match(/\d+/)?.[0]);
    check((await page.getByTestId('disposal-certificate').count()) === n, `one certificate per disposal record (${count})`);
    await axe(page, 'disposals (chief officer)');
    await printed(page, 'disposals');
    await goTo(page, 'インシデント');
    await incidentRow().getByRole('button', { name: '開く' }).click();
    await page.locator('select[name=form-format]').selectOption('json');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '速報', exact: true }).click()]);
    check(json.suggestedFilename().endsWith('.json'), `the form downloaded as JSON: ${json.suggestedFilename()}`);
    await page.getByTestId('report-form-items').locator('tbody tr').first().waitFor();
    await axe(page, 'incidents: report form as JSON');
    await page.locator('select[name=form-format]').selectOption('text');
    const [text] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '確報', exact: true }).click()]);
    const textFile = path.join(outDir, 'incident-form.txt');
    await text.saveAs(textFile);
    const body = readFileSync(textFile, 'utf8');
    check(text.suggestedFilename().endsWith('.txt') && body.length > 0 && !body.includes('<html'), 'the final form as text');
    await goTo(page, '管理');
    await page.getByRole('button', { name: '端末', exact: true }).click();
    const edit = page.getByTestId('terminal-edit');
    await edit.getByLabel('変更する端末').selectOption('soumu-madoguchi-1');
    await edit.getByLabel('端末の説明').fill('総務部 窓口端末 (CISO)');
    await edit.getByRole('button', { name: '端末情報を変更する' }).click();
    const terminal = await refusalIn(edit);
    check(terminal.includes('権限'), `a terminal's change refused to the chief officer: ${terminal}`);
    check(!(await page.getByTestId('terminals').innerText()).includes('(CISO)'), 'the description unchanged');

    // The administrator: nothing changed sends nothing; a description
    // changed sends only it, and the table shows it. His last log-on (the
    // TOTP test) used the step after its own: wait, if need be, for the
    // step after the one this test started in (no replay).
    await logoff(page);
    const nextStep = (Math.floor(started / 30000) + 1) * 30000;
    if (Date.now() < nextStep) await page.waitForTimeout(nextStep - Date.now());
    await logonWithTotp(page, 'soumu_kanri');
    await goTo(page, '管理');
    await page.getByRole('button', { name: '端末', exact: true }).click();
    await edit.getByLabel('変更する端末').selectOption('soumu-madoguchi-1');
    await edit.getByRole('button', { name: '端末情報を変更する' }).click();
    check((await edit.getByTestId('terminal-edit-done').innerText()).includes('送信していません'), 'nothing changed, nothing sent');
    await edit.getByLabel('端末の説明').fill('総務部 窓口端末 1番');
    const [patch] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith('/v1/terminals/soumu-madoguchi-1')),
      edit.getByRole('button', { name: '端末情報を変更する' }).click(),
    ]);
    const sent = patch.postDataJSON();
    check(JSON.stringify(sent) === JSON.stringify({ description: '総務部 窓口端末 1番' }), `only the description sent: ${JSON.stringify(sent)}`);
    await page.getByTestId('terminals').locator('tr[data-id="soumu-madoguchi-1"]').filter({ hasText: '総務部 窓口端末 1番' }).waitFor();
    await axe(page, 'administration: a terminal changed');
  });
}
