// Issue 4 end to end: two users of two administrations in two browser
// contexts. A new thread and a reply appear live in the other's views
// without moving what the reader looks at; a mention rings the bell; a
// draft survives a reload and a second window; search ignores accents;
// hostile markdown renders as harmless text; an executable renamed .pdf is
// refused with a clear message.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  api,
  checkPage,
  enrolApproved,
  expectHeading,
  expectPath,
  expectText,
  launch,
  loginUI,
  newPage,
  startBoard,
  waitFor,
} from './harness.mjs';

let board;
let browser;
let A; // Anna, Comune di Alfa: opens the thread
let B; // Bruno, Comune di Beta: replies
let pa;
let pb;
let category; // {id, name}
let thread; // {id, title, url}
const dialogs = [];
const wsGate = { blocked: false, open: [] };
const XSS_CORPUS = new URL('../../server/internal/testenv/corpus/xss.txt', import.meta.url);

const TITLE = 'Qualità del servizio paghe dopo l’esternalizzazione';
const BODY = 'Come avete misurato la qualità delle attività affidate? Ci interessa perché dobbiamo riorganizzare gli uffici.';

/** Marks the document so a reload (which would lose the mark) is detected. */
const markDocument = (page) => page.evaluate(() => (window.__e2eNoReload = true));
const stillSameDocument = async (page) => assert.equal(await page.evaluate(() => window.__e2eNoReload === true), true, 'the page reloaded');

const indicator = (page) => page.locator('header').getByRole('status').filter({ hasText: 'Stato della connessione' });
const mainComposer = (page) => page.getByRole('textbox', { name: /^Rispondi alla discussione/ });
const post = (page, n, author) => page.getByRole('article', { name: `Messaggio #${n} di ${author}` });
const bellCount = async (page) => {
  const label = await page.getByTestId('notification-bell').getAttribute('aria-label');
  const m = /(\d+) da leggere/.exec(label ?? '');
  return m ? Number(m[1]) : 0;
};

before(async () => {
  board = await startBoard();
  browser = await launch();
  A = await enrolApproved(browser, board.base, { ipa: 'c_alfa', adminName: 'Comune di Alfa', name: 'Anna Alfieri', email: 'anna@alfa.test' });
  B = await enrolApproved(browser, board.base, { ipa: 'c_beta', adminName: 'Comune di Beta', name: 'Bruno Bettini', email: 'bruno@beta.test' });
  pa = await newPage(browser, board.base);
  pb = await newPage(browser, board.base);
  for (const p of [pa, pb]) p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await loginUI(pa, A);
  await loginUI(pb, B);
  A.handle = (await api(pa, 'GET', '/api/v1/me')).body.handle;
  assert.ok(A.handle, 'users have a handle for @mentions');
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

describe('forum', () => {
  it('A opens a thread; B sees it appear live in the category list', async () => {
    // B browses to the first category and stays there.
    await pb.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Forum', exact: true }).click();
    await expectPath(pb, '/forum');
    await expectHeading(pb, 'Forum');
    const first = pb.locator('.forum-categories h3 a').first();
    await first.waitFor();
    await checkPage(pb, 'forum categories');
    category = { name: (await first.innerText()).trim() };
    await first.click();
    await expectHeading(pb, category.name);
    category.id = new URL(pb.url()).pathname.split('/').pop();
    await checkPage(pb, 'category threads');
    await markDocument(pb);

    // A writes the thread through the form.
    await pa.goto(`/forum/c/${category.id}`);
    await expectHeading(pa, category.name);
    await pa.getByRole('link', { name: 'Nuova discussione' }).click();
    await expectPath(pa, '/forum/nuova');
    await expectHeading(pa, 'Nuova discussione');
    // Bad input first: title and body are required, next to the fields.
    await pa.getByRole('button', { name: 'Pubblica' }).click();
    await waitFor(async () => (await pa.getByLabel(/^Titolo/).getAttribute('aria-invalid')) === 'true', { message: 'empty title not flagged' });
    await expectText(pa.locator('#f-title-error'), 'Il titolo deve avere da 3 a 200 caratteri.');
    await expectText(pa.locator('#f-body-error'), 'Scrivi il testo del messaggio.');
    await checkPage(pa, 'new thread with errors');
    await pa.getByLabel(/^Titolo/).fill(TITLE);
    await pa.getByRole('textbox', { name: /^Testo/ }).fill(BODY);
    await pa.getByRole('button', { name: 'Pubblica' }).click();
    await expectPath(pa, /^\/forum\/t\/[^/]+$/);
    await expectHeading(pa, TITLE);
    thread = { id: new URL(pa.url()).pathname.split('/').pop(), title: TITLE };
    await expectText(post(pa, 1, A.name), 'Come avete misurato la qualità');
    await checkPage(pa, 'thread');

    // B's list shows it without a reload, and says so politely.
    const row = pb.getByRole('link', { name: TITLE });
    await row.waitFor({ timeout: 5000 });
    await expectText(pb.getByTestId('live-announcer'), `Nuova discussione: ${TITLE}`);
    await stillSameDocument(pb);
    await checkPage(pb, 'category threads after a live insert');
  });

  it('B replies; A sees it live, with the half-typed reply, the focus and the reply box untouched', async () => {
    // A is typing a reply, the reply box at the very bottom of the window:
    // the worst place, where a post arriving above it would push it (and the
    // words being typed) off the screen.
    const half = 'Noi abbiamo usato indicatori di ';
    const box = mainComposer(pa);
    await box.click();
    await box.pressSequentially(half);
    await box.evaluate((el) => el.scrollIntoView({ block: 'end', behavior: 'instant' }));
    await markDocument(pa);
    const where = () =>
      box.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { value: el.value, focused: document.activeElement === el, caret: el.selectionStart, top: Math.round(r.top), bottom: Math.round(r.bottom), height: innerHeight, y: scrollY };
      });
    const before = await where();
    assert.ok(before.y > 0 && before.bottom <= before.height && before.bottom > before.height - 40, `A's reply box is at the bottom of the window (${JSON.stringify(before)})`);

    // B opens the thread from the list and replies.
    await pb.getByRole('link', { name: TITLE }).click();
    await expectHeading(pb, TITLE);
    await checkPage(pb, 'thread (B)');
    const reply = 'Noi abbiamo misurato tempi di pagamento ed errori sui cedolini.';
    await mainComposer(pb).fill(reply);
    await pb.getByRole('button', { name: 'Invia risposta' }).click();
    await expectText(post(pb, 2, B.name), reply);
    await waitFor(async () => (await mainComposer(pb).inputValue()) === '', { message: 'the composer did not empty after sending' });

    // A: the reply appears above the reply box, announced, without a reload;
    // the box stays where it was, with its text, focus and caret.
    await expectText(post(pa, 2, B.name), reply, { timeout: 5000 });
    await expectText(pa.getByTestId('live-announcer'), `Nuova risposta di ${B.name}`);
    await stillSameDocument(pa);
    const after = await where();
    assert.equal(after.value, half, 'the half-typed reply is still there');
    assert.equal(after.focused, true, 'the focus stays in the reply box');
    assert.equal(after.caret, before.caret, 'the caret did not move');
    assert.ok(Math.abs(after.top - before.top) <= 2, `the reply box moved on screen (${before.top} → ${after.top})`);
    assert.ok(after.y > before.y, 'the page scrolled by the new post, above the box');
    await checkPage(pa, 'thread after a live reply');
  });

  it('B mentions A picking from the autocomplete; A’s bell counts it live', async () => {
    const bellBefore = await bellCount(pa);
    await markDocument(pa);
    const box = mainComposer(pb);
    await box.click();
    await box.pressSequentially('Chiedo anche a @' + A.handle.slice(0, 3));
    const list = pb.getByRole('listbox', { name: 'Suggerimenti di menzione' });
    await list.waitFor();
    await checkPage(pb, 'composer with mention suggestions');
    const option = list.getByRole('option').filter({ hasText: '@' + A.handle });
    await option.waitFor();
    await option.click();
    await waitFor(async () => (await box.inputValue()).startsWith(`Chiedo anche a @${A.handle}`), {
      message: 'picking the suggestion did not complete the handle',
    });
    await box.pressSequentially(' che indicatori usate?');
    await pb.getByRole('button', { name: 'Invia risposta' }).click();
    await expectText(post(pb, 3, B.name), `@${A.handle}`);
    await waitFor(async () => (await box.inputValue()) === '', { message: 'the composer did not empty after sending' });

    await waitFor(async () => (await bellCount(pa)) > bellBefore, { timeout: 5000, message: 'the bell did not count the mention live' });
    await stillSameDocument(pa);
    await checkPage(pa, 'thread with a new notification');
    await pa.getByTestId('notification-bell').click();
    await expectPath(pa, '/notifiche');
    await expectHeading(pa, 'Notifiche');
    await expectText(pa.locator('main'), `${B.name} ti menziona in «${TITLE}»`);
    await checkPage(pa, 'notifications');
  });

  it('a reader cut off while B replies gets the missed reply on reconnect, without reload', async () => {
    // From the next page load on, A's socket goes through a gate that can cut A off the server.
    await pa.context().routeWebSocket(/\/ws$/, (ws) => {
      if (wsGate.blocked) {
        void ws.close({ code: 3000, reason: 'e2e: unreachable' });
        return;
      }
      const server = ws.connectToServer();
      wsGate.open.push({ ws, server });
    });
    await pa.goto(`/forum/t/${thread.id}`);
    await expectHeading(pa, TITLE);
    await expectText(indicator(pa), 'connesso');
    await markDocument(pa);
    const n = await pa.locator('article.forum-post').count();

    // A's connection drops and cannot come back for now.
    wsGate.blocked = true;
    for (const { ws, server } of wsGate.open.splice(0)) {
      await ws.close({ code: 3000, reason: 'e2e: dropped' });
      await server.close();
    }
    await expectText(indicator(pa), 'riconnessione…');

    const missed = 'Risposta scritta mentre Anna era senza rete.';
    const r = await api(pb, 'POST', `/api/v1/threads/${thread.id}/posts`, { body: missed });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(await pa.locator('article.forum-post').count(), n, 'A cannot have it yet');

    // Back online: the client resumes from its last sequence number.
    wsGate.blocked = false;
    await expectText(post(pa, n + 1, B.name), missed, { timeout: 20000 });
    await expectText(indicator(pa), 'connesso');
    await stillSameDocument(pa);
    assert.equal(await pa.locator('article.forum-post').count(), n + 1, 'the missed reply arrives exactly once');
    pa.problems = pa.problems.filter((m) => !/WebSocket connection .* failed/.test(m));
    await checkPage(pa, 'thread after resuming');
  });

  it('a draft in the reply box survives a reload and shows in a second window', async () => {
    await pa.goto(`/forum/t/${thread.id}`);
    await expectHeading(pa, TITLE);
    const box = mainComposer(pa);
    const draft = 'Bozza: confronteremo i costi pieni prima di decidere.';
    await box.fill(draft);
    await expectText(pa.getByTestId('draft-status').last(), 'Bozza salvata');
    await pa.reload();
    await expectHeading(pa, TITLE);
    await waitFor(async () => (await mainComposer(pa).inputValue()) === draft, { message: 'the draft did not come back after a reload' });

    // Another browser (no shared storage): the server kept it.
    const other = await newPage(browser, board.base);
    await loginUI(other, A);
    await other.goto(`/forum/t/${thread.id}`);
    await expectHeading(other, TITLE);
    await waitFor(async () => (await mainComposer(other).inputValue()) === draft, { message: 'the draft is not on the server' });
    await checkPage(other, 'thread with a restored draft');
    await other.context().close();
  });

  it('search finds accented words typed without accents, with highlighted snippets', async () => {
    await pb.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Cerca', exact: true }).click();
    await expectPath(pb, '/cerca');
    await expectHeading(pb, 'Cerca nel forum');
    await checkPage(pb, 'search');
    const q = pb.getByRole('searchbox', { name: 'Cerca' });
    // Too short: the error is next to the field.
    await q.fill('a');
    await pb.getByRole('search').getByRole('button', { name: 'Cerca' }).click();
    await expectText(pb.locator('#s-q-error'), 'Scrivi almeno 2 caratteri.');
    assert.match(await q.getAttribute('aria-describedby'), /s-q-error/);

    for (const term of ['attivita', 'QUALITA', 'perche']) {
      await q.fill(term);
      await pb.getByRole('search').getByRole('button', { name: 'Cerca' }).click();
      await expectPath(pb, new RegExp(`q=${term}`));
      const results = pb.locator('.search-results');
      await expectText(results, TITLE);
      // The previous term's results stay on screen until the new answer renders
      // (a transition), and they hold the same title: wait for this term's marks.
      const fold = (m) => m.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      await waitFor(async () => {
        const marks = await results.locator('mark').allInnerTexts();
        return marks.some((m) => fold(m) === term.toLowerCase());
      }, { message: `"${term}" is never highlighted in a snippet` });
    }
    await checkPage(pb, 'search results');
    // A result leads to the post.
    await pb.locator('.search-results').getByRole('link', { name: TITLE }).first().click();
    await expectPath(pb, `/forum/t/${thread.id}`);
    await expectHeading(pb, TITLE);
  });

  it('hostile markdown from the xss corpus renders as harmless text', async () => {
    const lines = readFileSync(XSS_CORPUS, 'utf8').split('\n');
    const corpus = lines.filter((l) => l && !l.startsWith('#'));
    const wanted = [/^\[.*\]\(javascript:/i, /<script/i, /onerror=/i, /<svg.*onload/i, /<iframe/i, /data:text\/html/i, /<a .*href=.*javascript/i];
    // The named-character-reference bypass of goldmark's URL check (CVE-2026-5160): every line of that section.
    const cve = lines.slice(lines.findIndex((l) => l.startsWith('# --- source: derived'))).filter((l) => l && !l.startsWith('#'));
    const payloads = [...new Set([...wanted.map((re) => corpus.find((l) => re.test(l))), ...cve.slice(0, 3)].filter(Boolean))];
    assert.ok(payloads.length >= 9, `picked ${payloads.length} payloads`);

    await pb.goto(`/forum/t/${thread.id}`);
    await expectHeading(pb, TITLE);
    const count = async () => pb.locator('article.forum-post').count();
    for (const payload of payloads) {
      const n = await count();
      await mainComposer(pb).fill(payload);
      await pb.getByRole('button', { name: 'Invia risposta' }).click();
      await waitFor(async () => (await count()) === n + 1 && (await mainComposer(pb).inputValue()) === '', { message: `payload not posted: ${payload}` });
    }
    const total = await count();
    // Both readers: nothing executable reached the DOM, no dialog, no CSP report.
    await pa.goto(`/forum/t/${thread.id}`);
    await expectHeading(pa, TITLE);
    for (const p of [pa, pb]) {
      await waitFor(async () => (await p.locator('article.forum-post').count()) === total, { message: 'posts missing' });
      const bad = await p.evaluate(() => {
        const found = [];
        for (const el of document.querySelectorAll('.forum-post-body, .forum-post-body *')) {
          if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'BASE', 'META', 'STYLE'].includes(el.tagName)) found.push(el.outerHTML);
          for (const a of el.attributes) {
            if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'srcdoc') found.push(`${el.tagName} ${a.name}=${a.value}`);
            if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(a.name) && /^\s*(javascript|vbscript|data):/i.test(a.value)) {
              found.push(`${el.tagName} ${a.name}=${a.value}`);
            }
          }
        }
        return found;
      });
      assert.deepEqual(bad, [], 'executable markup in rendered posts');
      // Links in posts carry rel="nofollow noopener" and none runs script when clicked.
      const links = p.locator('.forum-post-body a[href]');
      for (let i = 0; i < (await links.count()); i++) {
        const rel = (await links.nth(i).getAttribute('rel')) ?? '';
        assert.match(rel, /nofollow/);
        assert.match(rel, /noopener/);
      }
    }
    assert.deepEqual(dialogs, [], 'a dialog fired');
    await checkPage(pb, 'thread with hostile posts (B)');
    await checkPage(pa, 'thread with hostile posts (A)');
  });

  it('an executable renamed .pdf is refused with a clear message; nothing is attached', async () => {
    await pa.goto(`/forum/t/${thread.id}`);
    await expectHeading(pa, TITLE);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4096, 0x90)]);
    const reply = pa.locator('section', { has: pa.getByRole('heading', { name: 'Rispondi alla discussione' }) });
    await reply.getByLabel('Allega file').setInputFiles({ name: 'relazione.pdf', mimeType: 'application/pdf', buffer: elf });
    const alert = reply.getByRole('alert');
    await expectText(alert, 'relazione.pdf');
    await expectText(alert, /tipo di file non ammesso/i);
    // The composer may still be filling in the saved draft: what matters is
    // that no link to the file went into it.
    assert.doesNotMatch(await mainComposer(pa).inputValue(), /relazione\.pdf|\/attachments\//, 'no link was inserted for a refused file');
    await checkPage(pa, 'thread with a refused upload');
  });

  it('an image A uploads is A’s alone until the reply is sent; then B sees it in the post', async () => {
    for (const p of [pa, pb]) {
      await p.goto(`/forum/t/${thread.id}`);
      await expectHeading(p, TITLE);
    }
    // A valid 1×1 PNG, so that the browser really decodes what it is served.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');
    const reply = pa.locator('section', { has: pa.getByRole('heading', { name: 'Rispondi alla discussione' }) });
    await reply.getByLabel('Allega file').setInputFiles({ name: 'schema.png', mimeType: 'image/png', buffer: png });
    let url = '';
    await waitFor(async () => {
      url = /\/api\/v1\/attachments\/[A-Za-z0-9_-]+/.exec(await mainComposer(pa).inputValue())?.[0] ?? '';
      return url !== '';
    }, { message: 'no link to the uploaded image in the composer' });
    assert.match(url, /\/attachments\/[A-Za-z0-9_-]{22}$/, 'the id is 22 random characters');
    const status = (page) => page.evaluate(async (u) => (await fetch(u)).status, url);
    assert.equal(await status(pa), 200, 'the uploader reads the fresh upload');
    assert.equal(await status(pb), 404, 'another user cannot read an upload not yet posted');

    await pa.getByRole('button', { name: 'Invia risposta' }).click();
    const img = pb.locator(`.forum-post-body img[src="${url}"]`);
    await waitFor(async () => (await img.count()) === 1 && (await img.evaluate((el) => el.complete && el.naturalWidth === 1)),
      { message: 'B does not see the posted image', timeout: 15000 });
    assert.equal(await status(pb), 200, 'B reads the file of a post B may see');
    await checkPage(pb, 'thread with a posted image (B)');
  });

  it('B reacts to the opening post and A sees the count live; A edits it and B reads the old text in its history', async () => {
    for (const p of [pa, pb]) {
      await p.goto(`/forum/t/${thread.id}`);
      await expectHeading(p, TITLE);
    }
    const utile = (page) => post(page, 1, A.name).locator('button[data-reaction="utile"]');
    const count = async (page) => Number(await utile(page).locator('.reaction-count').innerText());
    const before = await count(pa);
    await utile(pb).click();
    await waitFor(async () => (await utile(pb).getAttribute('aria-pressed')) === 'true', { message: 'B’s reaction is not shown as given' });
    await waitFor(async () => (await count(pa)) === before + 1, { message: 'A does not see B’s reaction live' });
    assert.match((await utile(pa).getAttribute('title')) ?? '', new RegExp(B.name), 'who reacted is named');

    await post(pa, 1, A.name).getByRole('button', { name: 'Modifica il messaggio #1' }).click();
    const edited = `${BODY} Aggiornamento: abbiamo anche un questionario.`;
    await pa.getByRole('textbox', { name: 'Modifica il messaggio #1' }).fill(edited);
    await pa.getByRole('button', { name: 'Salva modifiche' }).click();
    await expectText(post(pa, 1, A.name), 'questionario');
    await expectText(post(pb, 1, A.name), 'questionario', { timeout: 5000 });
    await post(pb, 1, A.name).getByRole('button', { name: /mostra la cronologia/ }).click();
    const history = pb.getByRole('dialog', { name: 'Cronologia delle modifiche' });
    await expectText(history, 'Come avete misurato');
    // The version before the edit, and the words the edit added (as a word diff).
    const previous = (await history.locator('details .forum-post-body').first().textContent()) ?? '';
    assert.match(previous, /Come avete misurato/, 'the history keeps the version before the edit');
    assert.doesNotMatch(previous, /questionario/, 'the history shows the version before the edit');
    await expectText(history.locator('ins').first(), 'questionario');
    await checkPage(pb, 'edit history (B)');
  });
});
