// Issue 11, curation in the browser: a moderator suspends a participant
// who is logged in (their page logs them out and tells them why and until
// when, at once, and again at login); a moderator moves and merges a thread
// from the thread page's dialogs, with the keyboard, and the merged
// thread's old address leads to the thread it went into; a moderator
// splits replies into a new thread while a reader sees them leave; a participant
// writing in a thread a moderator locks keeps the text they typed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, api, checkPage, enrolApproved, expectPath, expectText, field, launch, loginUI, newPage, startBoard, waitFor } from './harness.mjs';

let board;
let browser;
let A; // Anna, Comune di Alfa: suspended
let B; // Bruno, Comune di Beta: writes the threads

before(async () => {
  board = await startBoard();
  browser = await launch();
  A = await enrolApproved(browser, board.base, { ipa: 'c_cura1', adminName: 'Comune di Cura', name: 'Anna Curata', email: 'anna@cura.test' });
  B = await enrolApproved(browser, board.base, { ipa: 'c_cura2', adminName: 'Comune di Sposta', name: 'Bruno Sposta', email: 'bruno@sposta.test' });
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

/** A thread opened through the API as the page's user. */
async function openThread(page, category, title) {
  await api(page, 'GET', '/api/v1/session');
  const r = await api(page, 'POST', '/api/v1/threads', { category_id: category, title, body: `Apriamo: ${title}.` });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.thread.id;
}

describe('curation', () => {
  it('a suspended user is logged out at once and sees the reason and the end', async () => {
    const pa = await newPage(browser, board.base);
    await loginUI(pa, A);
    await pa.goto('/forum');
    await waitFor(() => pa.evaluate(() => document.querySelector('header')?.textContent?.includes('Anna')), { message: 'Anna is not logged in' });

    const pm = await newPage(browser, board.base);
    await loginUI(pm, ADMIN);
    await pm.goto(`/moderazione/utenti/${A.user.id}`);
    await expectText(pm.getByRole('heading', { level: 1 }), 'Moderazione utente: Anna Curata');
    await checkPage(pm, 'user moderation page');
    await field(pm, 'Fino al (vuoto: fino a revoca)').fill('2031-03-15T18:30');
    // Keyboard: the reason, then the button.
    await field(pm, 'Motivo (resta nel registro attività)').focus();
    await pm.keyboard.type('Messaggi offensivi ripetuti.');
    await pm.getByRole('button', { name: 'Sospendi' }).focus();
    await pm.keyboard.press('Enter');
    await expectText(pm.getByRole('heading', { level: 2, name: /Sospeso fino al/ }), '2031');

    // Anna's page: logged out within 5 s, told why and until when.
    const notice = pa.getByTestId('suspension-notice');
    await expectText(notice, 'Messaggi offensivi ripetuti.', { timeout: 5000 });
    await expectText(notice, '2031');
    await waitFor(() => new URL(pa.url()).pathname === '/login', { message: 'Anna was not sent to the login page' });
    await checkPage(pa, 'suspended notice');

    // Again at login, in a fresh browser.
    const again = await newPage(browser, board.base);
    await again.goto('/login');
    await field(again, 'Email').fill(A.email);
    await field(again, 'Password').fill(A.password);
    await again.getByRole('button', { name: /^Accedi$/ }).last().click();
    await expectText(again.getByTestId('suspension-notice'), 'Messaggi offensivi ripetuti.');

    // The history at a glance.
    await expectText(pm.getByTestId('user-history'), 'Utente sospeso');
    await Promise.all([pa.context().close(), pm.context().close(), again.context().close()]);
  });

  it('a moderator moves and merges a thread; the old address leads to where it went', async () => {
    const pb = await newPage(browser, board.base);
    await loginUI(pb, B);
    const target = await openThread(pb, 'bacheca', 'Calendario dei seminari di primavera');
    const stray = await openThread(pb, 'normativa', 'Date dei seminari');

    const pm = await newPage(browser, board.base);
    await loginUI(pm, ADMIN);
    await pm.goto(`/forum/t/${stray}`);
    await expectText(pm.getByRole('heading', { level: 1 }), 'Date dei seminari');

    // Move, with the keyboard: the dialog opens, takes the focus, Escape gives it back.
    const moveButton = pm.getByRole('button', { name: 'Sposta', exact: true });
    await moveButton.focus();
    await pm.keyboard.press('Enter');
    const move = pm.getByRole('dialog', { name: 'Sposta la discussione' });
    await waitFor(() => move.isVisible(), { message: 'the move dialog did not open' });
    await checkPage(pm, 'move dialog');
    await pm.keyboard.press('Escape');
    await waitFor(() => pm.evaluate(() => document.activeElement?.textContent === 'Sposta'), { message: 'the focus did not go back to Sposta' });
    await pm.keyboard.press('Enter');
    await waitFor(() => move.isVisible(), { message: 'the move dialog did not open again' });
    await move.getByLabel('Categoria di destinazione').selectOption('assistenza');
    await move.getByLabel('Motivo (resta nel registro attività)').fill('Fuori posto.');
    await move.getByRole('button', { name: 'Conferma', exact: true }).click();
    await expectText(pm.getByRole('navigation', { name: /breadcrumb/i }), 'Assistenza piattaforma');

    // Merge: a bad target is answered next to its field, then the real one.
    await pm.getByRole('button', { name: 'Unisci', exact: true }).click();
    const merge = pm.getByRole('dialog', { name: 'Unisci a un’altra discussione' });
    await merge.getByLabel('Discussione di destinazione (indirizzo o numero)').fill(stray);
    await merge.getByLabel('Motivo (resta nel registro attività)').fill('Stesso tema.');
    await merge.getByRole('button', { name: 'Conferma', exact: true }).click();
    await expectText(merge, 'Non si può unire una discussione a sé stessa.');
    await merge.getByLabel('Discussione di destinazione (indirizzo o numero)').fill(`${board.base}/forum/t/${target}`);
    await merge.getByRole('button', { name: 'Conferma', exact: true }).click();
    await expectPath(pm, `/forum/t/${target}`);
    await expectText(pm.getByRole('heading', { level: 1 }), 'Calendario dei seminari di primavera');
    await expectText(pm.locator('.forum-posts'), 'Apriamo: Date dei seminari.');

    // The old address, in Bruno's browser: it leads to the thread it went into.
    await pb.goto(`/forum/t/${stray}`);
    await expectPath(pb, `/forum/t/${target}`);
    await expectText(pb.getByRole('heading', { level: 1 }), 'Calendario dei seminari di primavera');
    await pb.goto(`/forum/p/${stray}-1`);
    await expectPath(pb, `/forum/t/${target}`);
    await checkPage(pb, 'merged thread');
    await Promise.all([pb.context().close(), pm.context().close()]);
  });

  it('a moderator splits replies into a new thread by keyboard; a reader sees them leave, and their permalinks follow', async () => {
    const pb = await newPage(browser, board.base);
    await loginUI(pb, B);
    const id = await openThread(pb, 'bacheca', 'Mensa scolastica: capitolato');
    for (const body of ['Il capitolato è pronto.', 'Sul trasporto scolastico: gara a parte?', 'Sì, il trasporto va separato.']) {
      const r = await api(pb, 'POST', `/api/v1/threads/${id}/posts`, { body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    // Bruno reads the thread and stays on it.
    await pb.goto(`/forum/t/${id}`);
    await expectText(pb.locator('.forum-posts'), 'Sì, il trasporto va separato.');

    const pm = await newPage(browser, board.base);
    await loginUI(pm, ADMIN);
    await pm.goto(`/forum/t/${id}`);
    await expectText(pm.locator('.forum-posts'), 'Sì, il trasporto va separato.');
    await pm.getByRole('button', { name: 'Dividi', exact: true }).focus();
    await pm.keyboard.press('Enter');
    const split = pm.getByRole('dialog', { name: 'Dividi la discussione' });
    await waitFor(() => split.isVisible(), { message: 'the split dialog did not open' });
    // Nothing picked: refused next to the list, the dialog stays.
    await split.getByLabel('Titolo della nuova discussione').fill('Trasporto scolastico');
    await split.getByLabel('Motivo (resta nel registro attività)').fill('Tema a sé.');
    await split.getByRole('button', { name: 'Conferma', exact: true }).click();
    const listError = split.locator('#curation-split-post_ids-error');
    await waitFor(async () => (await listError.count()) > 0 && (await listError.first().innerText()).trim() !== '', { message: 'no error next to the posts' });
    await checkPage(pm, 'split dialog with an error');
    // Pick #3 and #4 with the keyboard (Space on each checkbox).
    for (const n of [3, 4]) {
      await split.getByRole('checkbox', { name: new RegExp(`^#${n} `) }).focus();
      await pm.keyboard.press('Space');
    }
    await split.getByRole('button', { name: 'Conferma', exact: true }).click();
    await waitFor(() => new URL(pm.url()).pathname !== `/forum/t/${id}`, { message: 'the moderator was not taken to the new thread' });
    const newID = new URL(pm.url()).pathname.split('/').pop();
    await expectText(pm.getByRole('heading', { level: 1 }), 'Trasporto scolastico');
    await expectText(pm.locator('.forum-posts'), 'Sì, il trasporto va separato.');

    // Bruno's open page: the split posts leave, the rest stays.
    await waitFor(async () => !(await pb.locator('.forum-posts').innerText()).includes('trasporto va separato'), { message: 'the split posts did not leave the reader’s page' });
    await expectText(pb.locator('.forum-posts'), 'Il capitolato è pronto.');
    // The old permalink leads to the new thread.
    await pb.goto(`/forum/p/${id}-4`);
    await expectPath(pb, `/forum/t/${newID}`);
    await checkPage(pb, 'split thread');
    await Promise.all([pb.context().close(), pm.context().close()]);
  });

  it('a thread locked while a participant writes closes its composer and keeps the text', async () => {
    const pb = await newPage(browser, board.base);
    await loginUI(pb, B);
    const id = await openThread(pb, 'bacheca', 'Chiusura durante la scrittura');
    await pb.goto(`/forum/t/${id}`);
    const composer = pb.getByRole('textbox', { name: /^Rispondi alla discussione/ });
    await composer.fill('Una risposta lunga che non voglio perdere.');

    const pm = await newPage(browser, board.base);
    await loginUI(pm, ADMIN);
    await api(pm, 'GET', '/api/v1/session');
    const r = await api(pm, 'PATCH', `/api/v1/threads/${id}`, { locked: true, reason: 'Chiusa.' });
    assert.equal(r.status, 200, JSON.stringify(r.body));

    await waitFor(async () => (await composer.count()) === 0, { timeout: 3000, message: 'the composer did not close' });
    const kept = pb.getByLabel('Il testo che stavi scrivendo (non inviato)');
    assert.equal(await kept.inputValue(), 'Una risposta lunga che non voglio perdere.');
    await checkPage(pb, 'locked thread with kept text');
    await Promise.all([pb.context().close(), pm.context().close()]);
  });
});
