// Issue 11, moderation in the browser: a moderator hides a reported post
// from the "Moderazione" page while a participant reading the thread sees
// it turn into the placeholder live, and its author still sees it with the
// reason; three participants report a room message with the report dialog
// and it is hidden in every open room page. Cell comments: three
// participants report one from its dialog on the record page and every
// open dialog shows the placeholder; a moderator hides one while a reader
// has it open on the comparison table (and restores it), and the queue's
// link opens the record at that field with its comments. axe on every page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, api, assertNoSidewaysScroll, checkPage, enrolApproved, expectHeading, expectPath, expectText, launch, loginUI, newPage, startBoard, waitFor } from './harness.mjs';

let board;
let browser;
let people;

before(async () => {
  board = await startBoard({ TAVOLO_REPORT_HIDE_THRESHOLD: '3' });
  browser = await launch();
  people = await Promise.all(
    ['a', 'b', 'c', 'd'].map((x, i) =>
      enrolApproved(browser, board.base, {
        ipa: `c_mod${x}${process.pid % 100}`,
        adminName: ['Comune di Alto Colle', 'Comune di Basso Piano', 'Comune di Campo Verde', 'Comune di Dolce Valle'][i],
        name: ['Aldo Bianchi', 'Bice Neri', 'Carlo Verdi', 'Dora Gialli'][i],
        email: `mod-${x}@tavolo.test`,
      }),
    ),
  );
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

async function loggedIn(person) {
  const page = await newPage(browser, board.base);
  await loginUI(page, person);
  return page;
}

/** Reports an item with the dialog: the button inside scope, the reason, send. */
async function reportWithDialog(page, scope, reason) {
  await scope.getByRole('button', { name: /^Segnala/ }).click();
  // By its name ("Segnala … ai moderatori"): it may open over another dialog (a cell's comments).
  const dialog = page.getByRole('dialog', { name: /^Segnala.* ai moderatori$/ });
  await dialog.locator('label', { hasText: reason }).click(); // bootstrap-italia's label covers the radio
  assert.ok(await dialog.getByRole('radio', { name: reason }).isChecked(), reason + ' not chosen');
  await dialog.getByRole('button', { name: 'Invia la segnalazione' }).click();
  await waitFor(async () => !(await dialog.isVisible()), { message: 'the report dialog stays open' });
}

/** Publishes a record of page's administration through the API; returns its id. */
async function publishedRecord(page, titolo) {
  const f = {
    titolo, ambito: 'pulizie', tipo_attivita: 'strumentale', grado: 'parziale',
    data_decisione: '2025-02-10', data_affidamento: '2025-05-20', data_avvio: '2025-07-01', data_fine_contratto: '2028-06-30',
    esito: 'in_esecuzione', modello: 'appalto_servizi', tipo_contratto: 'servizi', normativa: 'dlgs_36_2023',
    procedura: 'aperta', criterio: 'oepv', importo_base_eur: 250000, importo_aggiudicato_eur: 231450.5,
    cig: 'B0A1C2D3E5', fattori_critici: { sla_e_penali: 4 }, lezioni_apprese: 'Serve un ufficio di controllo.',
  };
  const c = await api(page, 'POST', '/api/v1/experiences', { fields: f });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const p = await api(page, 'POST', `/api/v1/experiences/${c.body.id}/publish`, { base_version: c.body.version });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return c.body.id;
}

/** Comments on a cell through the API; returns the comment's moderation id. */
async function commentOn(page, id, fieldKey, body) {
  const r = await api(page, 'POST', `/api/v1/experiences/${id}/comments`, { field: fieldKey, body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.moderation_id;
}

/** Waits until the open comment in scope shows the placeholder (no text) or its text again. */
async function expectComment(scope, { hidden, text }) {
  await waitFor(async () => ((await scope.getByTestId('hidden-placeholder').count()) === 1) === hidden, {
    timeout: 5000,
    message: hidden ? 'the comment is still shown' : 'the comment is not shown again',
  });
  assert.equal((await scope.innerText()).includes(text), !hidden, hidden ? 'the placeholder shows the text' : 'the text is missing');
}

describe('moderation', () => {
  it('a moderator hides a reported post; a reader sees it disappear live, its author sees it with the reason', async () => {
    const [author, reader] = people;
    const authorPage = await loggedIn(author);
    const t = await api(authorPage, 'POST', '/api/v1/threads', { category_id: 'bacheca', title: 'Offerte commerciali', body: 'Apriamo il tema.' });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const threadID = t.body.thread.id;
    const r = await api(authorPage, 'POST', `/api/v1/threads/${threadID}/posts`, { body: 'Comprate il nostro software, sconto 50%!' });
    assert.equal(r.status, 201, JSON.stringify(r.body));

    const readerPage = await loggedIn(reader);
    await readerPage.goto(`/forum/t/${threadID}`);
    const post = readerPage.getByTestId('post-2');
    await expectText(post, 'Comprate il nostro software');
    await reportWithDialog(readerPage, post, 'Spam');
    await expectText(post, 'Segnalazione inviata');
    await checkPage(readerPage, 'thread with a reported post');

    const mod = await newPage(browser, board.base);
    await loginUI(mod, ADMIN);
    await mod.getByRole('link', { name: 'Moderazione' }).first().click();
    await expectHeading(mod, 'Moderazione');
    const item = mod.getByTestId('queue-item').filter({ hasText: 'Offerte commerciali' });
    await expectText(item, 'Comprate il nostro software');
    await checkPage(mod, 'moderation queue');

    // keyboard only: the item's "Nascondi" button, the reason, Enter on Conferma
    await item.getByRole('button', { name: /^Nascondi/ }).focus();
    await mod.keyboard.press('Enter');
    const dialog = mod.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await expectText(dialog, 'Scrivi la motivazione');
    await dialog.getByRole('textbox').fill('Pubblicità commerciale');
    await dialog.getByRole('button', { name: 'Conferma' }).focus();
    const started = Date.now();
    await mod.keyboard.press('Enter');

    await waitFor(async () => (await post.getByTestId('hidden-placeholder').count()) === 1, { timeout: 5000, message: 'the reader still sees the post' });
    const took = Date.now() - started;
    assert.ok(!(await post.innerText()).includes('Comprate'), 'the placeholder shows no content');
    console.log(`hidden post replaced on the reader's page ${took} ms after the click`);
    await waitFor(async () => (await mod.getByTestId('queue-item').filter({ hasText: 'Offerte commerciali' }).count()) === 0, { message: 'the item stays in Segnalati' });
    await mod.getByTestId('tab-hidden').click();
    await expectText(mod.getByTestId('queue-item').filter({ hasText: 'Offerte commerciali' }), 'Comprate');
    await checkPage(mod, 'moderation, hidden tab');

    await authorPage.goto(`/forum/t/${threadID}`);
    const own = authorPage.getByTestId('post-2');
    await expectText(own.getByTestId('hidden-own'), 'Pubblicità commerciale');
    await expectText(own, 'Comprate il nostro software');
    await checkPage(authorPage, 'the author sees their hidden post');
    await checkPage(readerPage, 'thread with a hidden post');
    for (const p of [authorPage, readerPage, mod]) await p.context().close();
  });

  it('three participants report a room message with the dialog and it is hidden live', async () => {
    const [author, ...reporters] = people;
    const admin = await newPage(browser, board.base);
    await loginUI(admin, ADMIN);
    const room = await api(admin, 'POST', '/api/v1/rooms', { name: 'Confronto tributi', description: '', kind: 'theme', access: 'open', history: 'full', presence: 'names', slow_mode_s: 0 });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const authorPage = await loggedIn(author);
    const m = await api(authorPage, 'POST', `/api/v1/rooms/${room.body.id}/messages`, { client_id: 'm1', body: 'Ecco il mio cellulare: 333 1234567' });
    assert.equal(m.status, 201, JSON.stringify(m.body));

    const pages = [];
    for (const p of reporters) {
      const page = await loggedIn(p);
      await page.goto(`/stanze/${room.body.id}`);
      await expectText(page.getByTestId('message-1'), 'cellulare');
      pages.push(page);
    }
    for (const [i, page] of pages.entries()) {
      await reportWithDialog(page, page.getByTestId('message-1'), 'Contiene dati personali');
      if (i === 0) await checkPage(page, 'room after a report');
    }
    for (const page of pages)
      await waitFor(async () => (await page.getByTestId('message-1').getByTestId('hidden-placeholder').count()) === 1, { timeout: 5000, message: 'the message is not hidden' });
    assert.ok(!(await pages[0].getByTestId('message-1').innerText()).includes('333'), 'the placeholder shows no content');
    await checkPage(pages[0], 'room with a hidden message');

    await admin.goto('/moderazione');
    await admin.getByTestId('tab-hidden').click();
    const item = admin.getByTestId('queue-item').filter({ hasText: 'Confronto tributi' });
    await expectText(item, '3 segnalazioni');
    await expectText(item, 'Nascosto automaticamente');
    for (const p of [admin, authorPage, ...pages]) await p.context().close();
  });

  it('the moderation page fits a phone at 320 and 375 px', async () => {
    for (const width of [320, 375]) {
      const page = await newPage(browser, board.base, { viewport: { width, height: 640 }, isMobile: true, hasTouch: true });
      await loginUI(page, ADMIN);
      await page.goto(board.base + '/moderazione');
      await expectHeading(page, 'Moderazione');
      await assertNoSidewaysScroll(page, `/moderazione at ${width} px`);
      await checkPage(page, `/moderazione at ${width} px`);
      await page.context().close();
    }
  });

  it('a participant reports an experience from its page; hidden, a reader sees the placeholder and its author the reason', async () => {
    const [author, reader] = people;
    const authorPage = await loggedIn(author);
    const id = await publishedRecord(authorPage, 'Gestione delle mense');

    const readerPage = await loggedIn(reader);
    await readerPage.goto(`/esperienze/${id}`);
    await expectHeading(readerPage, 'Gestione delle mense');
    const main = readerPage.locator('main');
    await reportWithDialog(readerPage, main, 'Duplicato');
    await expectText(main, 'Segnalazione inviata');
    await checkPage(readerPage, 'experience page after a report');

    const modPage = await newPage(browser, board.base);
    await loginUI(modPage, ADMIN);
    const hide = await api(modPage, 'POST', '/api/v1/moderation/actions', { action: 'hide', ids: [`experience:${id}`], reason: 'Scheda doppia.' });
    assert.equal(hide.status, 200, JSON.stringify(hide.body));
    await readerPage.reload();
    await waitFor(async () => (await readerPage.getByTestId('hidden-placeholder').count()) === 1, { message: 'no placeholder for the reader' });
    assert.equal(await readerPage.getByText('Serve un ufficio di controllo').count(), 0, 'the reader still reads the record');
    await checkPage(readerPage, 'hidden experience, a reader');
    await authorPage.goto(`/esperienze/${id}`);
    await expectText(authorPage.getByTestId('hidden-own'), 'Scheda doppia.');
    await expectText(authorPage.locator('main'), 'Serve un ufficio di controllo');
    await checkPage(authorPage, 'hidden experience, its author');
  });

  it('the user moderation page fits a phone at 320 and 375 px, with a long note and history', async () => {
    const target = people[2];
    const own = await loggedIn(target);
    const me = await api(own, 'GET', '/api/v1/session');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    const id = me.body.user.id;
    const admin = await newPage(browser, board.base);
    await loginUI(admin, ADMIN);
    // An unbroken run (a pasted link) is the usual culprit of a page wider than a phone.
    const note = await api(admin, 'POST', `/api/v1/moderation/users/${id}/notes`, { body: 'Segnalato più volte: https://esempio.gov.it/' + 'percorso-molto-lungo'.repeat(8) });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    for (const width of [320, 375]) {
      const page = await newPage(browser, board.base, { viewport: { width, height: 640 }, isMobile: true, hasTouch: true });
      await loginUI(page, ADMIN);
      await page.goto(board.base + `/moderazione/utenti/${id}`);
      await expectHeading(page, `Moderazione utente: ${target.name}`);
      await expectText(page.getByTestId('user-history'), 'Segnalato più volte');
      await assertNoSidewaysScroll(page, `/moderazione/utenti at ${width} px`);
      await checkPage(page, `/moderazione/utenti at ${width} px`);
      await page.context().close();
    }
  });

  it('three participants report a cell comment from its dialog; every open dialog shows the placeholder live', async () => {
    const [author, ...reporters] = people;
    const authorPage = await loggedIn(author);
    const id = await publishedRecord(authorPage, 'Refezione scolastica');
    const text = 'Per informazioni chiamate il 333 7654321';
    await commentOn(authorPage, id, 'procedura', text);

    const pages = [];
    for (const p of reporters) {
      const page = await loggedIn(p);
      await page.goto(`/esperienze/${id}`);
      await expectHeading(page, 'Refezione scolastica');
      await page.getByRole('button', { name: /^1 commento su Procedura/ }).click();
      const comment = page.getByRole('dialog').getByTestId('cell-comment');
      await expectText(comment, text);
      pages.push({ page, comment });
    }
    for (const [i, { page, comment }] of pages.entries()) {
      await reportWithDialog(page, comment, 'Contiene dati personali');
      await expectText(comment, 'Segnalazione inviata');
      if (i === 0) await checkPage(page, 'cell comment after a report');
    }
    // The third report hides it: each reporter's open dialog withdraws it, and says so politely.
    for (const { page, comment } of pages) {
      await expectComment(comment, { hidden: true, text: '333' });
      await expectText(page.getByTestId('comments-news'), 'Un moderatore ha ritirato un commento');
    }
    assert.equal(await pages[0].page.getByTestId('comments-news').getAttribute('aria-live'), 'polite');
    await checkPage(pages[0].page, 'comments dialog with a hidden comment');
    for (const p of [authorPage, ...pages.map((x) => x.page)]) await p.context().close();
  });

  it('a moderator hides a cell comment a reader has open on the comparison table, then restores it; the queue links to the record at that field', async () => {
    const [author, commenter, reporter, reader] = people;
    const authorPage = await loggedIn(author);
    const ids = [await publishedRecord(authorPage, 'Trasporto scolastico'), await publishedRecord(authorPage, 'Trasporto disabili')];
    const commenterPage = await loggedIn(commenter);
    const text = 'Il capitolato completo è sul mio sito personale';
    const mid = await commentOn(commenterPage, ids[0], 'procedura', text);
    const reporterPage = await loggedIn(reporter);
    const rep = await api(reporterPage, 'POST', '/api/v1/moderation/reports', { kind: 'cell_comment', id: mid, reason: 'spam' });
    assert.equal(rep.status, 201, JSON.stringify(rep.body));

    const readerPage = await newPage(browser, board.base, { viewport: { width: 1280, height: 900 } });
    await loginUI(readerPage, reader);
    await readerPage.goto('/confronto?ids=' + ids.join(','));
    await readerPage.getByTestId(`cell-procedura-${ids[0]}`).getByTestId('comments-button').click();
    const comment = readerPage.getByRole('dialog').getByTestId('cell-comment');
    await expectText(comment, text);

    // The queue's link opens the record at that field, its comments open over it.
    const mod = await newPage(browser, board.base, { viewport: { width: 1280, height: 900 } });
    await loginUI(mod, ADMIN);
    await mod.goto('/moderazione');
    const item = mod.getByTestId('queue-item').filter({ hasText: 'Trasporto scolastico' });
    await expectText(item, text);
    await item.getByRole('link', { name: /Trasporto scolastico · Procedura/ }).click();
    await expectPath(mod, `/esperienze/${ids[0]}`);
    assert.equal(new URL(mod.url()).searchParams.get('campo'), 'procedura');
    const opened = mod.getByRole('dialog');
    await expectText(opened.getByTestId('cell-comment'), text);
    assert.match(await opened.getByRole('heading').innerText(), /^Procedura.* · Trasporto scolastico$/);
    await checkPage(mod, 'record opened at a commented field');
    await mod.keyboard.press('Escape');
    await opened.waitFor({ state: 'hidden' });
    const button = mod.getByRole('button', { name: /^1 commento su Procedura/ });
    assert.equal(await button.evaluate((el) => el === document.activeElement), true, "the focus is on the field's comments button");
    const inView = await button.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert.ok(inView, 'the field is in view');

    // The moderator hides it from the queue: the reader's open dialog withdraws it, then shows it again on restore.
    await mod.goBack();
    await item.getByRole('button', { name: /^Nascondi/ }).click();
    const dialog = mod.getByRole('dialog');
    await dialog.getByRole('textbox').fill('Rimanda a un sito privato.');
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await expectComment(comment, { hidden: true, text: 'capitolato' });
    console.log(`hidden cell comment replaced in the reader's open dialog ${Date.now() - started} ms after the click`);
    await expectText(readerPage.getByTestId('comments-news'), 'Un moderatore ha ritirato un commento');
    await checkPage(readerPage, 'comparison with a withdrawn comment open');

    const restore = await api(mod, 'POST', '/api/v1/moderation/actions', { action: 'restore', ids: [`cell_comment:${mid}`], reason: 'Link pubblico.' });
    assert.equal(restore.status, 200, JSON.stringify(restore.body));
    await expectComment(comment, { hidden: false, text: 'capitolato' });
    await expectText(readerPage.getByTestId('comments-news'), 'di nuovo visibile');
    for (const p of [authorPage, commenterPage, reporterPage, readerPage, mod]) await p.context().close();
  });
});
