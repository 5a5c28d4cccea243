// Issue 2 end to end: enrolment, approval, invitation, login/logout,
// password reset, field errors on every form, language switch, and axe on
// every page, against the real binary in headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN,
  api,
  checkPage,
  enrolApproved,
  expectFieldError,
  expectHeading,
  expectPath,
  expectText,
  field,
  launch,
  loginUI,
  newPage,
  startBoard,
  waitFor,
} from './harness.mjs';

const ERR = {
  required: 'Campo obbligatorio.',
  email: 'Inserisci un indirizzo email valido.',
  passwordLength: 'La password deve avere da 10 a 128 caratteri.',
  mismatch: 'Le due password non coincidono.',
};

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

/** Fills the enrolment form (labels as the user reads them). */
async function fillEnrolment(page, e) {
  await field(page, 'Codice IPA').fill(e.ipa);
  await field(page, 'Denominazione dell’amministrazione').fill(e.adminName);
  await field(page, 'Tipologia').selectOption({ label: 'Comune' });
  await field(page, 'Regione').selectOption({ label: 'Toscana' });
  await field(page, 'Nome e cognome del referente').fill(e.name);
  await field(page, 'Email del referente').fill(e.email);
  await field(page, 'Password').fill(e.password);
  await field(page, 'Conferma password').fill(e.confirm ?? e.password);
}

const submit = (page, name) => page.getByRole('button', { name, exact: true }).click();

describe('foundation', () => {
  const referente = {
    ipa: 'c_e2e01',
    adminName: 'Comune di Poggio Prova',
    name: 'Rita Referente',
    email: 'rita@poggio.test',
    password: 'rita-password-1',
  };
  const colleague = { name: 'Carlo Collega', email: 'carlo@poggio.test', password: 'carlo-password-1' };

  it('enrol → wait → admin approves → referente invites → colleague accepts, logs out and in', async () => {
    // The referente enrols through the form and lands on the waiting page.
    const r = await newPage(browser, board.base);
    await r.goto('/');
    await expectHeading(r, 'Cantiere Esternalizzazioni');
    await checkPage(r, 'home (anonymous)');
    await r.getByRole('link', { name: 'Iscrivi la tua amministrazione' }).click();
    await expectPath(r, '/iscrizione');
    await expectHeading(r, 'Iscrizione dell’amministrazione');
    await checkPage(r, 'enrolment');
    await fillEnrolment(r, referente);
    await submit(r, 'Invia l’iscrizione');
    await expectPath(r, '/attesa');
    await expectHeading(r, 'Iscrizione in attesa di approvazione');
    await expectText(r.locator('main'), `L’iscrizione di ${referente.adminName} è stata ricevuta`);
    await checkPage(r, 'waiting');
    // Pending users are kept on the waiting page wherever they go.
    await r.goto('/forum');
    await expectPath(r, '/attesa');

    // The admin logs in and approves it.
    const a = await newPage(browser, board.base);
    await loginUI(a, ADMIN);
    await expectPath(a, '/');
    await checkPage(a, 'home (admin)');
    await a.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Amministrazione' }).click();
    await expectPath(a, '/admin');
    await expectHeading(a, 'Amministrazione del Cantiere');
    const approve = a.getByRole('button', { name: `Approva ${referente.adminName}` });
    await approve.waitFor();
    await checkPage(a, 'admin');
    await approve.click();
    await expectText(a.getByRole('status').filter({ hasText: 'approvata' }), `${referente.adminName}: iscrizione approvata.`);
    await approve.waitFor({ state: 'detached' });
    await checkPage(a, 'admin after approval');

    // The referente, now approved, reaches the board and makes an invitation link.
    await r.getByRole('button', { name: 'Verifica di nuovo' }).click();
    await expectPath(r, '/');
    await expectHeading(r, `Ti diamo il benvenuto, ${referente.name}`);
    await r.getByRole('link', { name: 'Profilo', exact: true }).click();
    await expectPath(r, '/profilo');
    await expectHeading(r, 'Il tuo profilo');
    await checkPage(r, 'profile (referente)');
    await submit(r, 'Crea il link di invito');
    const linkField = r.getByLabel('Link di invito');
    await linkField.waitFor();
    const link = await linkField.inputValue();
    assert.match(link, new RegExp(`^${board.base}/invit[oe]/[A-Za-z0-9_-]{16,}$`));
    await checkPage(r, 'profile with invitation');

    // The colleague opens the link in another browser context.
    const c = await newPage(browser, board.base);
    await c.goto(link);
    await expectHeading(c, 'Accetta l’invito');
    await expectText(c.locator('main'), `per ${referente.adminName}`);
    await checkPage(c, 'invitation');
    // Bad input first: every field gets its own error next to it.
    await submit(c, 'Crea il mio account');
    await expectFieldError(c, 'Nome e cognome', ERR.required);
    await expectFieldError(c, 'Email', ERR.required);
    await expectFieldError(c, 'Password', ERR.passwordLength);
    await checkPage(c, 'invitation with errors');
    await field(c, 'Nome e cognome').fill(colleague.name);
    await field(c, 'Email').fill('carlo@');
    await field(c, 'Password').fill('short');
    await field(c, 'Conferma password').fill('short');
    await submit(c, 'Crea il mio account');
    await expectFieldError(c, 'Email', ERR.email);
    await expectFieldError(c, 'Password', ERR.passwordLength);
    await field(c, 'Email').fill(colleague.email);
    await field(c, 'Password').fill(colleague.password);
    await field(c, 'Conferma password').fill(colleague.password + 'x');
    await submit(c, 'Crea il mio account');
    await expectFieldError(c, 'Conferma password', ERR.mismatch);
    await field(c, 'Conferma password').fill(colleague.password);
    await submit(c, 'Crea il mio account');
    await expectPath(c, '/');
    await expectHeading(c, `Ti diamo il benvenuto, ${colleague.name}`);
    await expectText(c.locator('main'), `Partecipi al Cantiere per ${referente.adminName}.`);
    await checkPage(c, 'home (colleague)');

    // The link is single use.
    const again = await newPage(browser, board.base);
    await again.goto(link);
    await expectText(again.getByRole('alert'), 'Il link è già stato usato.');
    await checkPage(again, 'used invitation');
    await again.context().close();

    // Logout, then login again.
    await c.getByRole('button', { name: 'Esci' }).click();
    await c.getByRole('link', { name: 'Accedi', exact: true }).first().waitFor();
    await c.goto('/profilo');
    await expectPath(c, '/login');
    await loginUI(c, colleague);
    await expectPath(c, '/');
    await expectHeading(c, `Ti diamo il benvenuto, ${colleague.name}`);
    await checkPage(c, 'home after re-login');

    // Change password: wrong current password is reported next to its field.
    await c.goto('/profilo');
    await expectHeading(c, 'Il tuo profilo');
    const pw = c.locator('section', { has: c.getByRole('heading', { name: 'Cambia password' }) });
    await pw.getByRole('button', { name: 'Cambia password' }).click();
    await expectFieldError(pw, 'Password attuale', ERR.required);
    await expectFieldError(pw, 'Nuova password', ERR.passwordLength);
    await field(pw, 'Password attuale').fill('not-the-password');
    await field(pw, 'Nuova password').fill('carlo-password-2');
    await field(pw, 'Conferma password').fill('carlo-password-2');
    await pw.getByRole('button', { name: 'Cambia password' }).click();
    await expectFieldError(pw, 'Password attuale', 'Password attuale non corretta.');
    await checkPage(c, 'profile with errors');

    for (const p of [r, a, c]) await p.context().close();
  });

  it('enrolment form: required, format, short and mismatched passwords, duplicate codice IPA', async () => {
    const p = await newPage(browser, board.base);
    await p.goto('/iscrizione');
    await expectHeading(p, 'Iscrizione dell’amministrazione');
    await submit(p, 'Invia l’iscrizione');
    for (const label of [
      'Codice IPA',
      'Denominazione dell’amministrazione',
      'Tipologia',
      'Regione',
      'Nome e cognome del referente',
      'Email del referente',
    ]) {
      await expectFieldError(p, label, ERR.required);
    }
    await expectFieldError(p, 'Password', ERR.passwordLength);
    // The summary takes the focus and links to the fields.
    await expectText(p.getByRole('alert'), 'Il modulo contiene errori');
    await checkPage(p, 'enrolment with errors');

    await fillEnrolment(p, {
      ipa: 'bad ipa!',
      adminName: 'Comune di Altrove',
      name: 'Ada Altrove',
      email: 'ada-at-altrove',
      password: 'short',
      confirm: 'different',
    });
    await submit(p, 'Invia l’iscrizione');
    await expectFieldError(p, 'Codice IPA', 'Da 2 a 11 caratteri: lettere, cifre e trattino basso.');
    await expectFieldError(p, 'Email del referente', ERR.email);
    await expectFieldError(p, 'Password', ERR.passwordLength);
    await expectFieldError(p, 'Conferma password', ERR.mismatch);
    await expectPath(p, '/iscrizione');

    // The server's answer: a codice IPA already enrolled, in another case.
    const taken = await enrolApproved(browser, board.base, {
      ipa: 'c_dup01',
      adminName: 'Comune Già Iscritto',
      name: 'Gino Gia',
      email: 'gino@gia.test',
    });
    await fillEnrolment(p, {
      ipa: taken.ipa.toUpperCase(),
      adminName: 'Comune di Altrove',
      name: 'Ada Altrove',
      email: 'ada@altrove.test',
      password: 'ada-password-1',
    });
    await submit(p, 'Invia l’iscrizione');
    await expectFieldError(p, 'Codice IPA', 'Valore già in uso.');
    await expectPath(p, '/iscrizione');
    await checkPage(p, 'enrolment with duplicate IPA');
    // Nothing half-written: the same IPA with a fresh one still enrols.
    await field(p, 'Codice IPA').fill('c_altr01');
    await submit(p, 'Invia l’iscrizione');
    await expectPath(p, '/attesa');
    await p.context().close();
  });

  it('login form: required and email format next to the fields, wrong password as a general error', async () => {
    const p = await newPage(browser, board.base);
    await p.goto('/login');
    await expectHeading(p, 'Accedi al Tavolo');
    await checkPage(p, 'login');
    await submit(p, 'Accedi');
    await expectFieldError(p, 'Email', ERR.required);
    await expectFieldError(p, 'Password', ERR.required);
    await field(p, 'Email').fill('nobody');
    await field(p, 'Password').fill('whatever-it-is');
    await submit(p, 'Accedi');
    await expectFieldError(p, 'Email', ERR.email);
    await field(p, 'Email').fill(ADMIN.email);
    await field(p, 'Password').fill('wrong-password-1');
    await submit(p, 'Accedi');
    await expectText(p.getByRole('alert'), 'Email o password non corretti.');
    await expectPath(p, '/login');
    await checkPage(p, 'login with wrong password');
    await p.context().close();
  });

  it('password reset: request, link from the mail, errors, new password works and the old one not', async () => {
    const u = await enrolApproved(browser, board.base, {
      ipa: 'c_rst01',
      adminName: 'Comune di Smemorati',
      name: 'Sara Smemorata',
      email: 'sara@smemorati.test',
      password: 'old-password-1',
    });
    const p = await newPage(browser, board.base);
    await p.goto('/login');
    await p.getByRole('link', { name: 'Hai dimenticato la password?' }).click();
    await expectPath(p, '/password-dimenticata');
    await expectHeading(p, 'Password dimenticata');
    await checkPage(p, 'forgot password');
    await submit(p, 'Invia il link');
    await expectFieldError(p, 'Email', ERR.required);
    await field(p, 'Email').fill('sara@');
    await submit(p, 'Invia il link');
    await expectFieldError(p, 'Email', ERR.email);
    await field(p, 'Email').fill(u.email);
    await submit(p, 'Invia il link');
    await expectText(p.getByRole('status').filter({ hasText: 'link' }), 'Se l’indirizzo corrisponde a un account');
    await checkPage(p, 'forgot password sent');

    const re = new RegExp(`${board.base}/reset/([A-Za-z0-9_-]+)`);
    const token = await waitFor(() => board.logs().split('\n').filter((l) => l.includes(u.email)).map((l) => l.match(re)).find(Boolean)?.[1], {
      message: 'no reset link in the log mailer',
    });
    await p.goto(`/reset/${token}`);
    await expectHeading(p, 'Nuova password');
    await checkPage(p, 'reset');
    await field(p, 'Nuova password').fill('tiny');
    await submit(p, 'Imposta la password');
    await expectFieldError(p, 'Nuova password', ERR.passwordLength);
    await field(p, 'Nuova password').fill('new-password-1');
    await field(p, 'Conferma password').fill('new-password-2');
    await submit(p, 'Imposta la password');
    await expectFieldError(p, 'Conferma password', ERR.mismatch);
    await field(p, 'Conferma password').fill('new-password-1');
    await submit(p, 'Imposta la password');
    await expectText(p.getByRole('status').filter({ hasText: 'Password' }), 'Password aggiornata. Ora puoi accedere.');
    await checkPage(p, 'reset done');

    // The old password no longer works; the new one does.
    await p.goto('/login');
    await field(p, 'Email').fill(u.email);
    await field(p, 'Password').fill(u.password);
    await submit(p, 'Accedi');
    await expectText(p.getByRole('alert'), 'Email o password non corretti.');
    await field(p, 'Password').fill('new-password-1');
    await submit(p, 'Accedi');
    await expectPath(p, '/');
    await expectHeading(p, `Ti diamo il benvenuto, ${u.name}`);

    // The link is single use.
    await p.getByRole('button', { name: 'Esci' }).click();
    await p.getByRole('link', { name: 'Accedi', exact: true }).first().waitFor();
    await p.goto(`/reset/${token}`);
    await field(p, 'Nuova password').fill('newer-password-1');
    await field(p, 'Conferma password').fill('newer-password-1');
    await submit(p, 'Imposta la password');
    // A spent link says so and offers a new one instead of the form.
    await expectText(p.getByRole('alert'), 'Questo link è già stato usato: richiedine uno nuovo.');
    await p.getByRole('link', { name: 'Richiedi un nuovo link' }).waitFor();
    await checkPage(p, 'reset with a spent link');
    await p.context().close();
  });

  it('admin reject form: a reason is required; the rejected referente is told why', async () => {
    const enrol = await newPage(browser, board.base);
    await enrol.goto('/iscrizione');
    await fillEnrolment(enrol, {
      ipa: 'c_rej01',
      adminName: 'Comune Respinto',
      name: 'Remo Respinto',
      email: 'remo@respinto.test',
      password: 'remo-password-1',
    });
    await submit(enrol, 'Invia l’iscrizione');
    await expectPath(enrol, '/attesa');

    const a = await newPage(browser, board.base);
    await loginUI(a, ADMIN);
    await a.goto('/admin');
    await a.getByRole('button', { name: 'Respingi Comune Respinto' }).click();
    await submit(a, 'Conferma il rifiuto');
    await expectFieldError(a, 'Motivazione del rifiuto', ERR.required);
    await checkPage(a, 'admin reject form with errors');
    await field(a, 'Motivazione del rifiuto').fill('Codice IPA non corrispondente.');
    await submit(a, 'Conferma il rifiuto');
    await expectText(a.getByRole('status').filter({ hasText: 'respinta' }), 'Comune Respinto: iscrizione respinta.');

    await enrol.reload();
    await expectHeading(enrol, 'Iscrizione non approvata');
    await expectText(enrol.locator('main'), 'L’iscrizione di Comune Respinto non è stata approvata.');
    await expectText(enrol.locator('main'), 'Motivazione: Codice IPA non corrispondente.');
    await checkPage(enrol, 'waiting (rejected)');
    for (const p of [enrol, a]) await p.context().close();
  });

  it('admin manages the categories from the admin page, by keyboard: add, rename, reorder, archive', async () => {
    const a = await newPage(browser, board.base);
    await loginUI(a, ADMIN);
    await a.goto('/admin');
    const sec = a.locator('section[aria-labelledby="admin-categories"]');
    await sec.getByRole('heading', { name: 'Gestione categorie' }).waitFor();
    // An empty name is refused with a field error, nothing created.
    await sec.getByRole('button', { name: 'Aggiungi categoria' }).focus();
    await a.keyboard.press('Enter');
    await expectFieldError(sec, 'Nome (italiano)', ERR.required);
    await checkPage(a, 'admin categories with errors');
    await field(sec, 'Nome (italiano)').last().fill('Capitolati e SLA');
    await field(sec, 'Nome (inglese)').last().fill('Tenders and SLAs');
    await sec.getByRole('button', { name: 'Aggiungi categoria' }).focus();
    await a.keyboard.press('Enter');
    await expectText(a.getByRole('status').filter({ hasText: 'creata' }), 'Categoria «Capitolati e SLA» creata.');
    const items = sec.locator('li.forum-category h3 a');
    await waitFor(async () => (await items.allInnerTexts()).at(-1) === 'Capitolati e SLA', { message: 'new category not last' });
    // Move it up by keyboard: it swaps with the one before, and the order is stored.
    const before = await items.allInnerTexts();
    await sec.getByRole('button', { name: 'Sposta su Capitolati e SLA' }).focus();
    await a.keyboard.press('Enter');
    await waitFor(async () => (await items.allInnerTexts()).at(-2) === 'Capitolati e SLA', { message: 'not moved up' });
    const cats = await api(a, 'GET', '/api/v1/categories');
    const names = cats.body.filter((c) => !c.archived).map((c) => c.name);
    assert.deepEqual(names.slice(-2), ['Capitolati e SLA', before.at(-2)], `stored order: got ${names}`);
    // Rename.
    await sec.getByRole('button', { name: 'Modifica Capitolati e SLA' }).focus();
    await a.keyboard.press('Enter');
    await field(sec, 'Nome (italiano)').first().fill('Capitolati, SLA e penali');
    await sec.getByRole('button', { name: 'Salva' }).focus();
    await a.keyboard.press('Enter');
    await expectText(a.getByRole('status').filter({ hasText: 'aggiornata' }), 'Categoria aggiornata.');
    // Archive: it goes last with its badge, and the forum shows it archived.
    await sec.getByRole('button', { name: 'Archivia Capitolati, SLA e penali' }).focus();
    await a.keyboard.press('Enter');
    await sec.getByRole('button', { name: 'Ripristina Capitolati, SLA e penali' }).waitFor();
    await checkPage(a, 'admin categories');
    await a.goto('/forum');
    const archived = a.locator('.forum-category', { hasText: 'Capitolati, SLA e penali' });
    await expectText(archived, 'archiviata');
    // The forum page sends the admin to the admin page to manage them.
    await a.getByRole('link', { name: 'Gestione categorie' }).click();
    await expectPath(a, '/admin');
    await a.context().close();
  });

  it('language switch to English changes the text and <html lang>, and sticks across a reload', async () => {
    const p = await newPage(browser, board.base);
    await p.goto('/');
    await expectHeading(p, 'Cantiere Esternalizzazioni');
    assert.equal(await p.getAttribute('html', 'lang'), 'it');
    await p.getByRole('button', { name: 'Switch to English' }).click();
    await waitFor(async () => (await p.getAttribute('html', 'lang')) === 'en', { message: '<html lang> did not become en' });
    await p.getByRole('link', { name: 'Log in', exact: true }).first().waitFor();
    await p.getByRole('link', { name: 'Enrol your administration' }).waitFor();
    await checkPage(p, 'home (English)');
    await p.goto('/login');
    await expectHeading(p, /Log in/);
    assert.equal(await p.getAttribute('html', 'lang'), 'en');
    // Server messages follow the language too.
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectFieldError(p, 'Email', 'This field is required.');
    await field(p, 'Email').fill(ADMIN.email);
    await field(p, 'Password').fill('wrong-password-2');
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(p.getByRole('alert'), 'Wrong email or password.');
    await checkPage(p, 'login (English)');
    await p.reload();
    await expectHeading(p, /Log in/);
    await p.getByRole('button', { name: 'Passa all’italiano' }).click();
    await waitFor(async () => (await p.getAttribute('html', 'lang')) === 'it', { message: '<html lang> did not go back to it' });
    await expectHeading(p, 'Accedi al Tavolo');
    await p.context().close();
  });

  it('accessibility statement, privacy notice and 404 pass axe', async () => {
    const p = await newPage(browser, board.base);
    await p.goto('/');
    await p.getByRole('link', { name: 'Dichiarazione di accessibilità' }).click();
    await expectPath(p, '/accessibilita');
    await p.locator('h1').waitFor();
    await checkPage(p, 'accessibility statement');
    await p.getByRole('link', { name: 'Informativa sulla privacy' }).click();
    await expectPath(p, '/privacy');
    await p.locator('h1').waitFor();
    await checkPage(p, 'privacy');
    await p.goto('/non-esiste/davvero');
    await expectHeading(p, 'Pagina non trovata');
    await checkPage(p, '404');
    // Unknown API paths answer a JSON 404, not the shell.
    const r = await p.request.get('/api/v1/non-esiste');
    assert.equal(r.status(), 404);
    assert.match(r.headers()['content-type'], /json/);
    await p.context().close();
  });
});

describe('foundation: enrolment after the deadline', () => {
  it('shows a clear "enrolment closed" message', async () => {
    const closed = await startBoard({ TAVOLO_ENROLMENT_DEADLINE: '2020-01-31' });
    try {
      const p = await newPage(browser, closed.base);
      await p.goto('/iscrizione');
      await expectHeading(p, 'Iscrizioni chiuse');
      await expectText(p.getByRole('status').filter({ hasText: 'chiuse' }), 'Le iscrizioni al Cantiere si sono chiuse il');
      assert.equal(await p.getByRole('button', { name: 'Invia l’iscrizione' }).count(), 0);
      await checkPage(p, 'enrolment closed');
      await p.goto('/');
      await expectText(p.locator('main'), 'Le iscrizioni sono chiuse.');
      await p.context().close();
    } finally {
      await closed.stop();
    }
  });
});
