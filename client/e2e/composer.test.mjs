// Issue 7 items 13–15 end to end: the composer's preview comes from the
// server's sanitiser (hostile markdown renders harmless), Ctrl+Enter sends,
// the new-thread form has an error summary whose errors clear when fixed,
// the edit history shows a word diff, deleting asks in a keyboard-operable
// modal dialog and a moderator's reason shows to the author and readers;
// changing a role asks and says what the role can do; the invitation list
// follows an approval; a missing thread has a heading and a way back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ADMIN,
  api,
  checkPage,
  enrolApproved,
  expectHeading,
  expectPath,
  expectText,
  launch,
  loginUI,
  newIpa,
  newPage,
  startBoard,
  waitFor,
} from './harness.mjs';

let board;
let browser;
let A; // Anna: writes
let M; // Marco: made moderator through the admin page
let pa;
let pm;
let padm;
let thread; // {id, url}
const nativeDialogs = [];
const XSS = readFileSync(new URL('../../server/internal/testenv/corpus/xss.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  // Control characters are refused, as in a post (server tests cover that): preview the rest.
  // eslint-disable-next-line no-control-regex
  .filter((l) => !/[\x00-\x08\x0b-\x1f\x7f]/.test(l));

const post = (page, n, author) => page.getByRole('article', { name: `Messaggio #${n} di ${author}` });
/** The element that has the focus, described for assertions. */
const focused = (page) => page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent?.trim() ?? '', inDialog: !!document.activeElement?.closest('dialog[open]'), id: document.activeElement?.id ?? '' }));

before(async () => {
  board = await startBoard();
  browser = await launch();
  A = await enrolApproved(browser, board.base, { ipa: 'c_anna', adminName: 'Comune di Anna', name: 'Anna Alfieri', email: 'anna@anna.test' });
  M = await enrolApproved(browser, board.base, { ipa: 'c_marc', adminName: 'Comune di Marco', name: 'Marco Moderini', email: 'marco@marco.test' });
  pa = await newPage(browser, board.base);
  pm = await newPage(browser, board.base);
  padm = await newPage(browser, board.base);
  for (const p of [pa, pm, padm]) {
    p.on('dialog', (d) => {
      nativeDialogs.push(d.message());
      void d.dismiss();
    });
  }
  await loginUI(pa, A);
  await loginUI(padm, ADMIN);
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

describe('admin safety', () => {
  it('changing a role asks in a dialog that says what the role can do; Escape and Cancel change nothing', async () => {
    await padm.goto('/admin');
    await expectHeading(padm, 'Amministrazione del Cantiere');
    await padm.getByLabel('Cerca per nome, email o amministrazione').fill('Marco Moderini');
    await padm.getByRole('button', { name: 'Cerca', exact: true }).click();
    const select = padm.getByLabel('Ruolo di Marco Moderini');
    await select.waitFor();
    const roleOf = async () => (await api(padm, 'GET', '/api/v1/admin/users?q=Moderini')).body.items[0].role;

    // Administrator: a warning and the full list of powers; Escape cancels and gives the focus back.
    await select.focus();
    await select.selectOption('admin');
    const dlg = padm.getByRole('dialog', { name: 'Cambiare il ruolo di Marco Moderini?' });
    await dlg.waitFor();
    await expectText(dlg, 'Da «Partecipante» a «Amministratore».');
    await expectText(dlg, 'Attenzione: il ruolo di amministratore dà il controllo completo del Tavolo.');
    await expectText(dlg, 'approvare o respingere le iscrizioni');
    assert.equal((await focused(padm)).inDialog, true, 'the focus is inside the dialog');
    await checkPage(padm, 'role dialog (admin)');
    await padm.keyboard.press('Escape');
    await dlg.waitFor({ state: 'hidden' });
    assert.equal(await select.inputValue(), 'participant', 'Escape leaves the role as it was');
    assert.equal((await focused(padm)).id, await select.getAttribute('id'), 'the focus is back on the select');
    assert.equal(await roleOf(), 'participant');

    // Moderator: what it can do; Cancel changes nothing, Confirm changes it.
    await select.selectOption('moderator');
    const mdlg = padm.getByRole('dialog', { name: 'Cambiare il ruolo di Marco Moderini?' });
    await expectText(mdlg, 'modificare ed eliminare i messaggi di chiunque');
    assert.equal(await mdlg.getByText(/Attenzione/).count(), 0, 'no administrator warning for a moderator');
    await mdlg.getByRole('button', { name: 'Annulla' }).click();
    await mdlg.waitFor({ state: 'hidden' });
    assert.equal(await roleOf(), 'participant', 'Cancel changed the role');
    await select.selectOption('moderator');
    await mdlg.getByRole('button', { name: 'Cambia ruolo' }).click();
    await expectText(padm.getByRole('status').filter({ hasText: 'aggiornato' }), 'Ruolo di Marco Moderini aggiornato.');
    await waitFor(async () => (await roleOf()) === 'moderator', { message: 'the role did not change' });
    assert.equal(await select.inputValue(), 'moderator');
    await checkPage(padm, 'admin after a role change');
  });

  it('the invitation form lists an administration as soon as it is approved', async () => {
    const ipa = newIpa('c_inv');
    const other = await newPage(browser, board.base);
    await other.goto('/accessibilita');
    await api(other, 'GET', '/api/v1/session');
    const r = await api(other, 'POST', '/api/v1/enrolments', {
      codice_ipa: ipa,
      name: 'Unione dei Comuni di Prova',
      category: 'comune',
      region: 'toscana',
      referente: { name: 'Paola Prove', email: 'paola@prova.test', password: 'password-e2e-1' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await other.context().close();

    await padm.goto('/admin');
    const approve = padm.getByRole('button', { name: 'Approva Unione dei Comuni di Prova' });
    await approve.waitFor();
    const options = () => padm.locator('#f-administration_id option').allInnerTexts();
    await waitFor(async () => (await options()).length > 1, { message: 'the invitation form lists no administration' });
    assert.equal((await options()).some((o) => o.includes('Unione dei Comuni di Prova')), false, 'pending administration offered');
    await approve.click();
    await waitFor(async () => (await options()).some((o) => o.includes('Unione dei Comuni di Prova')), { message: 'the approved administration is not offered without a reload' });
  });
});

describe('composer', () => {
  it('new thread: the error summary takes the focus, links the fields and clears as they are fixed', async () => {
    await pa.goto('/forum/nuova');
    await expectHeading(pa, 'Nuova discussione');
    await pa.getByRole('button', { name: 'Pubblica' }).click();
    const summary = pa.locator('.error-summary');
    await expectText(summary, 'Il modulo contiene errori');
    await waitFor(async () => (await focused(pa)).text.startsWith('Il modulo contiene errori'), { message: 'the summary does not take the focus' });
    await expectText(summary, 'Titolo: Il titolo deve avere da 3 a 200 caratteri.');
    await expectText(summary, 'Testo: Scrivi il testo del messaggio.');
    await expectText(summary, 'Categoria:');
    await checkPage(pa, 'new thread error summary');
    // A link moves the focus to its field.
    await summary.getByRole('link', { name: /^Titolo:/ }).click();
    assert.equal((await focused(pa)).id, 'f-title');
    // Fixing a field removes its error, in the summary and next to it.
    await pa.getByLabel(/^Titolo/).fill('Anteprime e scorciatoie nel compositore');
    await waitFor(async () => !(await summary.innerText()).includes('Titolo:'), { message: 'the title error stayed' });
    assert.notEqual(await pa.getByLabel(/^Titolo/).getAttribute('aria-invalid'), 'true');
    const cat = pa.locator('#f-category_id');
    const firstCat = await cat.locator('option').nth(1).getAttribute('value');
    await cat.selectOption(firstCat);
    await waitFor(async () => !(await summary.innerText()).includes('Categoria:'), { message: 'the category error stayed' });
    await pa.getByRole('textbox', { name: /^Testo/ }).fill('Il **primo** messaggio.');
    await summary.waitFor({ state: 'detached' });
    await checkPage(pa, 'new thread fixed');
  });

  it('the preview shows the server-sanitised HTML: hostile markdown renders harmless', async () => {
    const box = pa.getByRole('textbox', { name: /^Testo/ });
    const payloads = XSS.slice(0, 60).join('\n\n');
    await box.fill(`**grassetto** e _corsivo_\n\n${payloads}`);
    await pa.getByRole('button', { name: 'Mostra anteprima' }).click();
    const panel = pa.getByTestId('composer-preview');
    await waitFor(async () => (await panel.locator('strong').count()) > 0, { message: 'the preview did not render' });
    assert.equal(await pa.getByRole('button', { name: 'Nascondi anteprima' }).getAttribute('aria-expanded'), 'true');
    const bad = await panel.evaluate((el) => {
      const out = [];
      for (const n of el.querySelectorAll('*')) {
        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'SVG', 'FORM', 'BASE', 'META'].includes(n.tagName.toUpperCase())) out.push(n.tagName);
        for (const a of n.attributes) {
          if (/^on/i.test(a.name) || a.name === 'style' || /^\s*(javascript|data|vbscript):/i.test(a.value)) out.push(`${n.tagName} ${a.name}=${a.value}`);
        }
      }
      return out;
    });
    assert.deepEqual(bad, [], 'script-capable markup in the preview');
    await new Promise((r) => setTimeout(r, 300)); // let an onerror that slipped through fire
    assert.deepEqual(nativeDialogs, [], 'a payload ran');
    // Images from other sites are allowed by the sanitiser (https) and blocked by the CSP's
    // img-src, which the browser reports: that is a defence at work, not a page error.
    const blocked = pa.problems.filter((p) => /violates the following Content Security Policy directive: "img-src /.test(p));
    pa.problems = pa.problems.filter((p) => !blocked.includes(p));
    assert.ok(blocked.every((p) => /Loading the image 'https:/.test(p)), `unexpected CSP reports: ${blocked.join('\n')}`);
    await checkPage(pa, 'composer preview');
    // It follows the text while open.
    await box.fill('Solo _questo_');
    await waitFor(async () => (await panel.locator('em').innerText().catch(() => '')) === 'questo' && !(await panel.locator('strong').count()), { message: 'the preview does not follow the text' });
  });

  it('Ctrl+Enter sends the new thread and a reply', async () => {
    const box = pa.getByRole('textbox', { name: /^Testo/ });
    await box.fill('Apriamo il filo: la revisione delle clausole di uscita.');
    await box.press('Control+Enter');
    await expectPath(pa, /^\/forum\/t\/[^/]+$/);
    await expectHeading(pa, 'Anteprime e scorciatoie nel compositore');
    thread = { id: new URL(pa.url()).pathname.split('/').pop() };
    thread.url = `/forum/t/${thread.id}`;
    const reply = pa.getByRole('textbox', { name: /^Rispondi alla discussione/ });
    for (const text of ['Prima risposta: le clausole di uscita sono tre.', 'Seconda risposta, fuori tema.', 'Terza risposta, da ritirare.']) {
      await reply.fill(text);
      await reply.press('Control+Enter');
      await waitFor(async () => (await pa.locator('.forum-post-body').allInnerTexts()).some((t) => t.includes(text)), { message: `reply "${text}" not sent by Ctrl+Enter` });
      await waitFor(async () => (await reply.inputValue()) === '', { message: 'the composer was not emptied' });
    }
  });

  it('the edit history shows what changed as a word diff, named for screen readers', async () => {
    await post(pa, 2, A.name).getByRole('button', { name: 'Modifica il messaggio #2' }).click();
    const box = pa.getByRole('textbox', { name: 'Modifica il messaggio #2' });
    await box.fill('Prima risposta: le clausole di recesso sono quattro.');
    await box.press('Control+Enter');
    await expectText(post(pa, 2, A.name), 'quattro');
    await post(pa, 2, A.name).getByRole('button', { name: /mostra la cronologia/ }).click();
    const history = pa.getByRole('dialog', { name: 'Cronologia delle modifiche' });
    await history.getByTestId('edit-diff').waitFor();
    const ins = await history.locator('ins').allTextContents();
    const del = await history.locator('del').allTextContents();
    assert.deepEqual(del, ['tolto: uscita', 'tolto: tre.'], 'deletions');
    assert.deepEqual(ins, ['aggiunto: recesso', 'aggiunto: quattro.'], 'insertions');
    assert.equal(await history.locator('ins .visually-hidden').first().textContent(), 'aggiunto: ');
    await checkPage(pa, 'edit history with a word diff');
    await pa.keyboard.press('Escape');
    await history.waitFor({ state: 'hidden' });
    // The focus goes back to the history button after the dialog has closed (an
    // effect): wait for it, or it lands after the next test has moved it.
    const opener = post(pa, 2, A.name).getByRole('button', { name: /mostra la cronologia/ });
    await waitFor(() => opener.evaluate((el) => el === document.activeElement), { message: 'the focus is not back on the history button' });
  });

  it('deleting asks in a modal dialog usable by keyboard; Escape cancels and the focus comes back', async () => {
    const del = post(pa, 4, A.name).getByRole('button', { name: 'Elimina il messaggio #4' });
    await del.focus();
    await pa.keyboard.press('Enter');
    const dlg = pa.getByRole('dialog', { name: 'Eliminare il messaggio #4?' });
    await dlg.waitFor();
    assert.equal((await focused(pa)).inDialog, true, 'the focus moved into the dialog');
    assert.equal(await dlg.getByLabel('Motivo (facoltativo)').count(), 0, 'a participant is offered a reason');
    await checkPage(pa, 'delete dialog');
    // Tab never leaves the modal dialog.
    for (let i = 0; i < 6; i++) {
      await pa.keyboard.press('Tab');
      const f = await focused(pa);
      assert.ok(f.inDialog || f.tag === 'BODY' || f.tag === undefined, `Tab ${i + 1} left the dialog for ${f.tag} "${f.text}"`);
    }
    await pa.keyboard.press('Escape');
    await dlg.waitFor({ state: 'hidden' });
    assert.equal((await focused(pa)).text, 'Elimina', 'the focus is back on the delete button');
    assert.equal(await post(pa, 4, A.name).getByTestId('deleted-placeholder').count(), 0, 'Escape deleted the post');

    // Again, confirmed with the keyboard (focused again: the check above reads
    // only the text, which the dialog's own button shares).
    await del.focus();
    await pa.keyboard.press('Enter');
    await dlg.waitFor();
    await dlg.getByRole('button', { name: 'Elimina il messaggio' }).focus();
    await pa.keyboard.press('Enter');
    await expectText(post(pa, 4, A.name).getByTestId('deleted-placeholder'), 'Messaggio eliminato.');
    await waitFor(async () => (await pa.evaluate(() => document.activeElement?.id)) === 'p4', { message: 'the focus is not on the placeholder' });
    assert.deepEqual(nativeDialogs, [], 'the browser’s confirm() was used');
  });

  it('a moderator’s reason shows on the placeholder to the author (live) and to readers', async () => {
    await loginUI(pm, M);
    await pm.goto(thread.url);
    await expectHeading(pm, 'Anteprime e scorciatoie nel compositore');
    await pa.goto(thread.url);
    await expectHeading(pa, 'Anteprime e scorciatoie nel compositore');
    const me = await api(pm, 'GET', '/api/v1/me');
    assert.equal(me.body.role, 'moderator', 'Marco is a moderator');
    await post(pm, 3, A.name).getByRole('button', { name: 'Elimina il messaggio #3' }).click({ timeout: 10000 }).catch(async (e) => {
      throw new Error(`${e.message}\n${await post(pm, 3, A.name).innerHTML().catch(() => 'no post 3')}`);
    });
    const dlg = pm.getByRole('dialog', { name: 'Eliminare il messaggio #3?' });
    const reason = 'Fuori tema: continuiamo in «Assistenza».';
    await dlg.getByLabel('Motivo (facoltativo)').fill(reason);
    await checkPage(pm, 'delete dialog (moderator)');
    await dlg.getByRole('button', { name: 'Elimina il messaggio' }).click();
    const want = `Messaggio eliminato da un moderatore. Motivo: ${reason}`;
    await expectText(post(pm, 3, A.name).getByTestId('deleted-placeholder'), want);
    await expectText(post(pa, 3, A.name).getByTestId('deleted-placeholder'), want, { timeout: 10000 });
    await padm.goto(thread.url);
    await expectText(post(padm, 3, A.name).getByTestId('deleted-placeholder'), want);
    await checkPage(padm, 'thread with a moderated post');
  });

  it('a moderator can still read a deleted post, a participant sees only the placeholder', async () => {
    await pm.goto(thread.url);
    await expectHeading(pm, 'Anteprime e scorciatoie nel compositore');
    for (const [n, text] of [[3, 'Seconda risposta, fuori tema.'], [4, 'Terza risposta, da ritirare.']]) {
      const box = post(pm, n, A.name).getByTestId('deleted-content');
      await box.getByText('Messaggio eliminato — mostra contenuto').click();
      await expectText(box.getByTestId('deleted-body'), text);
      await expectText(box, n === 3 ? `Eliminato da ${M.name}` : `Eliminato da ${A.name}`);
    }
    await checkPage(pm, 'deleted content shown to a moderator');
    await pa.goto(thread.url);
    await expectText(post(pa, 3, A.name).getByTestId('deleted-placeholder'), 'Messaggio eliminato da un moderatore.');
    assert.equal(await pa.getByTestId('deleted-content').count(), 0, 'a participant is offered the deleted content');
    const html = await pa.content();
    assert.ok(!html.includes('fuori tema.') && !html.includes('da ritirare.'), 'the deleted text reached a participant’s page');
  });

  it('a thread that does not exist has a heading and a way back', async () => {
    await pa.goto('/forum/t/999999');
    await expectHeading(pa, 'Discussione non trovata');
    await checkPage(pa, 'missing thread');
    await pa.getByRole('link', { name: 'Torna al forum' }).click();
    await expectPath(pa, '/forum');
    await expectHeading(pa, 'Forum');
  });
});

describe('words', () => {
  it('the enrolment form links the privacy notice where it asks for personal data', async () => {
    const p = await newPage(browser, board.base);
    try {
      await p.goto('/iscrizione');
      await expectHeading(p, 'Iscrizione dell’amministrazione');
      const referente = p.getByRole('group', { name: 'Referente' });
      const link = referente.getByRole('link', { name: 'informativa sul trattamento dei dati personali' });
      await link.waitFor();
      await checkPage(p, 'enrolment with the privacy note');
      await link.click();
      await expectPath(p, '/privacy');
      await expectHeading(p, 'Informativa sul trattamento dei dati personali');
      // It promises no feature the Tavolo lacks.
      const text = await p.locator('main').innerText();
      assert.doesNotMatch(text, /schede di esperienza/, 'experience records do not exist yet');
      assert.match(text, /non ha una funzione di esportazione/, 'says that export and deletion go through the staff');
    } finally {
      await p.context().close();
    }
  });
});
