// Issue 11, the audit log in the browser: an admin rejects an enrolment
// with a reason (none is refused), finds the rejection in the "Registro
// attività" with the keyboard, and downloads the CSV export, which is
// parsed here as RFC 4180 and checked (a reason that looks like a formula
// comes out neutralised).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN, api, checkPage, expectFieldError, expectText, field, launch, loginUI, newPage, parseCSV, startBoard, waitFor } from './harness.mjs';

let board;
let browser;

before(async () => {
  board = await startBoard();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

describe('audit log', () => {
  it('an admin rejects an enrolment with a reason, sees it in the log and downloads the CSV', async () => {
    const reason = '=SOMMA(1;2) codice IPA, "non trovato"';
    const adminName = 'Comune di Registro';
    const p = await newPage(browser, board.base, { acceptDownloads: true });
    await p.goto('/accessibilita');
    await api(p, 'GET', '/api/v1/session');
    const r = await api(p, 'POST', '/api/v1/enrolments', {
      codice_ipa: 'c_reg01', name: adminName, category: 'comune', region: 'toscana',
      referente: { name: 'Rosa Registro', email: 'rosa@registro.test', password: 'rosa-password-1' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await api(p, 'DELETE', '/api/v1/session');

    await loginUI(p, ADMIN);
    await p.goto('/admin');
    await p.getByRole('button', { name: `Respingi ${adminName}` }).click();
    await p.getByRole('button', { name: 'Conferma il rifiuto' }).click();
    await expectFieldError(p, 'Motivazione del rifiuto', 'Campo obbligatorio.');
    await field(p, 'Motivazione del rifiuto').fill(reason);
    await p.getByRole('button', { name: 'Conferma il rifiuto' }).click();
    await expectText(p.getByRole('region', { name: 'Iscrizioni da approvare' }), `${adminName}: iscrizione respinta.`);

    // The log, with the keyboard: the tab link, the action filter, Enter.
    const log = p.getByRole('region', { name: 'Registro attività' });
    await p.getByRole('link', { name: 'Registro attività' }).focus();
    await p.keyboard.press('Enter');
    await expectText(log.getByRole('table'), 'Iscrizione respinta');
    await field(log, 'Azione').focus();
    await field(log, 'Azione').selectOption({ label: 'Iscrizione respinta' });
    await log.getByRole('button', { name: 'Applica i filtri' }).focus();
    await p.keyboard.press('Enter');
    await expectText(log.getByTestId('audit-total'), '1 voce');
    const row = log.getByRole('row').nth(1);
    await expectText(row, 'Iscrizione respinta');
    await expectText(row, adminName);
    await expectText(row, reason);
    await expectText(row, 'status: pending → rejected');
    await expectText(row, 'Amministratore');
    await checkPage(p, 'admin page with the activity log');

    const [download] = await Promise.all([p.waitForEvent('download'), log.getByRole('link', { name: 'Scarica CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^registro-attivita-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCSV(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(rows[0], ['n', 'at', 'actor_id', 'actor_name', 'actor_role', 'action', 'target_kind', 'target_id', 'target_label', 'place', 'reason', 'before', 'after']);
    assert.equal(rows.length, 2, `one entry for the filter, got ${JSON.stringify(rows)}`);
    const e = Object.fromEntries(rows[0].map((k, i) => [k, rows[1][i]]));
    assert.equal(e.action, 'enrolment.reject');
    assert.equal(e.actor_role, 'admin');
    assert.equal(e.target_kind, 'administration');
    assert.equal(e.target_id, 'c_reg01');
    assert.equal(e.target_label, adminName);
    assert.equal(e.reason, "'" + reason, 'a reason starting with = is neutralised');
    assert.deepEqual(JSON.parse(e.before), { status: 'pending' });
    assert.deepEqual(JSON.parse(e.after), { status: 'rejected' });
    assert.ok(!Number.isNaN(Date.parse(e.at)) && Number(e.n) >= 1, `at ${e.at}, n ${e.n}`);
    await waitFor(async () => (await api(p, 'GET', '/api/v1/admin/audit?action=enrolment.reject')).body.total === 1);
    await p.context().close();
  });
});
