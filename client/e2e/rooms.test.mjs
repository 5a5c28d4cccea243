// Issue 9, item 9 and the Chromium tests: live rooms in the browser.
// Three people chat in a room; one goes offline, writes three messages that
// wait in the outbox as pending, comes back, and every page shows every
// message exactly once, in the same order. A reload while messages wait
// keeps them (local storage) and sends them when the connection returns.
// The list's unread badge follows new messages live. axe on every page;
// phones at 320 and 375 px do not scroll sideways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, api, checkPage, enrolApproved, expectHeading, expectPath, expectText, field, launch, loginUI, newPage, startBoard, waitFor } from './harness.mjs';

let board;
let browser;
/** Shared by the steps below, which run in order: the people, their pages, the room. */
let people;
let admin, pa, pb, pc;
let roomPath;

before(async () => {
  board = await startBoard();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

/** The texts of the stored messages on screen, in order. */
const shown = (page) =>
  page.$$eval('[data-testid="room-log"] article[data-seq] .room-message-body', (els) => els.map((e) => e.innerText.trim()));
/** The outbox's messages on screen. */
const pending = (page) => page.$$eval('[data-testid="pending-message"] .room-pending-body', (els) => els.map((e) => e.innerText.trim()));

const composer = (page) => page.getByRole('textbox', { name: /^Scrivi un messaggio/ });

async function send(page, text) {
  await composer(page).fill(text);
  await page.getByRole('button', { name: 'Invia', exact: true }).click();
}

async function waitShown(page, texts, label) {
  await waitFor(
    async () => {
      const s = await shown(page);
      return texts.every((t) => s.includes(t));
    },
    { timeout: 20000, message: `${label} does not show ${JSON.stringify(texts)}; shows ${JSON.stringify(await shown(page).catch(() => []))}` },
  );
}

/** Problems the browser logs itself while a request is cut on purpose (offline, aborted): expected here. */
function dropNetworkNoise(page) {
  page.problems = page.problems.filter((m) => !/net::ERR_(INTERNET_DISCONNECTED|FAILED|CONNECTION_REFUSED|CONNECTION_RESET|NETWORK_CHANGED)|WebSocket/.test(m));
}

/**
 * The navigation's "Stanze" badge is the sum of the list's per-room badges
 * (at least min), and its link says it in words.
 */
async function navMatchesList(page, min, label) {
  const link = page.locator('#main-nav a[href="/stanze"]');
  let last = '';
  try {
    await waitFor(
      async () => {
        const per = (await page.getByTestId('room-unread').allInnerTexts()).map(Number);
        const sum = per.reduce((n, x) => n + x, 0);
        const badge = link.getByTestId('nav-rooms-unread');
        const nav = (await badge.count()) ? Number(await badge.innerText()) : 0;
        last = `list ${JSON.stringify(per)}, navigation ${nav}`;
        return sum === nav && sum >= min;
      },
      { timeout: 15000, message: label },
    );
  } catch (e) {
    throw new Error(`${e.message}: ${last}`);
  }
  const n = Number(await link.getByTestId('nav-rooms-unread').innerText());
  const name = await link.evaluate((a) => a.innerText.replace(/\s+/g, ' ').trim());
  assert.ok(name.endsWith(`${n} messaggi non letti nelle stanze`), `${label}: the link says ${JSON.stringify(name)}`);
}

async function assertNoSidewaysScroll(page, label) {
  const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(r.scroll <= r.inner, `${label}: the page is ${r.scroll} px wide on a ${r.inner} px screen`);
}

describe('rooms in the browser', () => {
  it('three people chat; offline sends wait as pending and arrive once, in order; a reload keeps them', async () => {
    people = await Promise.all(
      ['a', 'b', 'c'].map((x, i) =>
        enrolApproved(browser, board.base, {
          ipa: `c_room${x}${process.pid % 100}`,
          adminName: ['Comune di Arezzo Nord', 'Comune di Borgo Sud', 'Comune di Colle Est'][i],
          name: ['Alba Rossi', 'Bruno Neri', 'Carla Verdi'][i],
          email: `room-${x}@tavolo.test`,
        }),
      ),
    );

    // A moderator (the admin) opens the room with the form.
    admin = await newPage(browser, board.base);
    await loginUI(admin, ADMIN);
    await admin.goto('/stanze');
    await expectHeading(admin, 'Stanze');
    await admin.getByRole('link', { name: 'Nuova stanza' }).click();
    await expectHeading(admin, 'Nuova stanza');
    await field(admin, 'Nome').fill('Coordinamento gare');
    await field(admin, 'Descrizione').fill('Le gare di pulizia in corso, tra comuni.');
    await checkPage(admin, 'new room form');
    await admin.getByRole('button', { name: 'Crea la stanza' }).click();
    await expectPath(admin, /^\/stanze\/[A-Za-z0-9_-]{22,}$/);
    roomPath = new URL(admin.url()).pathname;
    await expectHeading(admin, 'Coordinamento gare');

    [pa, pb, pc] = await Promise.all(people.map(() => newPage(browser, board.base)));
    for (const [i, p] of [pa, pb, pc].entries()) {
      await loginUI(p, people[i]);
      await p.goto('/stanze');
      await p.getByRole('link', { name: /Coordinamento gare/ }).click();
      await expectHeading(p, 'Coordinamento gare');
      await expectText(p.getByTestId('room-log'), 'Ancora nessun messaggio');
    }
    await checkPage(pa, 'empty room');
    // Who is here: the three, named (the admin too, who opened the room).
    const panel = pa.getByRole('complementary');
    await waitFor(async () => {
      const t = await panel.innerText();
      return ['Alba Rossi', 'Bruno Neri', 'Carla Verdi'].every((n) => t.includes(n));
    }, { message: 'the presence panel names the three' });
    await expectText(panel, /[34] persone presenti/);

    // They chat.
    await send(pa, 'Buongiorno a tutti');
    await waitShown(pb, ['Buongiorno a tutti'], 'B');
    await send(pb, 'Ciao da Borgo Sud');
    await waitShown(pc, ['Buongiorno a tutti', 'Ciao da Borgo Sud'], 'C');
    await send(pc, 'Ciao da Colle Est');
    for (const [n, p] of [['A', pa], ['B', pb], ['C', pc]]) await waitShown(p, ['Ciao da Colle Est'], n);
    // Announced politely, not by the whole log.
    assert.equal(await pa.getByTestId('room-log').getAttribute('aria-live'), null, 'the log itself is not a live region');
    await expectText(pa.getByTestId('live-announcer'), 'Nuovo messaggio da Carla Verdi');
    await checkPage(pa, 'room with messages');

    // C goes offline and writes three messages: they show at once, pending.
    await pc.context().setOffline(true);
    for (const text of ['Offline uno', 'Offline due', 'Offline tre']) await send(pc, text);
    await waitFor(async () => (await pending(pc)).length === 3, { message: 'three pending messages' });
    assert.deepEqual(await pending(pc), ['Offline uno', 'Offline due', 'Offline tre']);
    await expectText(pc.getByTestId('outbox'), 'In attesa');
    assert.equal(await composer(pc).inputValue(), '', 'the composer is ready for the next message');
    // Meanwhile A writes.
    await send(pa, 'Mentre Carla è offline');
    await waitShown(pb, ['Mentre Carla è offline'], 'B');
    assert.ok(!(await shown(pb)).includes('Offline uno'), 'nothing of C arrived while offline');

    // C comes back: the outbox drains in order, and everyone sees everything once.
    await pc.context().setOffline(false);
    await waitFor(async () => (await pending(pc)).length === 0, { timeout: 20000, message: 'the outbox drained' });
    const all = ['Buongiorno a tutti', 'Ciao da Borgo Sud', 'Ciao da Colle Est', 'Mentre Carla è offline', 'Offline uno', 'Offline due', 'Offline tre'];
    for (const [n, p] of [['A', pa], ['B', pb], ['C', pc]]) await waitShown(p, all, n);
    const lists = await Promise.all([pa, pb, pc].map(shown));
    for (const [i, l] of lists.entries()) {
      assert.equal(new Set(l).size, l.length, `context ${i}: a message shown twice: ${JSON.stringify(l)}`);
      assert.deepEqual(l.slice(0, 3), all.slice(0, 3), `context ${i}: the first messages in order`);
      const offline = l.filter((x) => x.startsWith('Offline'));
      assert.deepEqual(offline, ['Offline uno', 'Offline due', 'Offline tre'], `context ${i}: C's messages in order`);
    }
    assert.deepEqual(lists[1], lists[0], 'B shows what A shows, in the same order');
    assert.deepEqual(lists[2], lists[0], 'C shows what A shows, in the same order');
    dropNetworkNoise(pc);

    // The list's unread badge follows new messages live.
    await pb.getByRole('link', { name: 'Torna alle stanze' }).click();
    await expectHeading(pb, 'Stanze');
    const item = pb.getByTestId('room-item').filter({ hasText: 'Coordinamento gare' });
    // The list follows the room for its badge without making B present there.
    await waitFor(async () => !(await pa.getByRole('complementary').innerText()).includes('Bruno Neri'), { message: 'B left the presence list' });
    assert.equal(await item.getByTestId('room-unread').count(), 0, 'B read everything');
    await send(pa, 'Per la lista');
    await expectText(item.getByTestId('room-unread'), '1');
    await send(pa, 'E ancora');
    await expectText(item.getByTestId('room-unread'), '2');
    await expectText(item.getByRole('link'), '2 messaggi non letti');
    await navMatchesList(pb, 2, 'B with one room unread');
    await checkPage(pb, 'room list with unread');
    await item.getByRole('link').click();
    await waitShown(pb, ['E ancora'], 'B');
    await pb.goBack();
    await expectHeading(pb, 'Stanze');
    await waitFor(async () => (await item.getByTestId('room-unread').count()) === 0, { message: 'the badge clears after reading' });
    assert.equal(await pb.getByTestId('nav-rooms-unread').count(), 0, 'the navigation badge clears too');

    // A reload while a message waits keeps it; it goes when the connection returns.
    const cut = (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
    await pc.route('**/api/v1/rooms/*/messages', cut);
    await send(pc, 'Dopo il ricaricamento');
    await waitFor(async () => (await pending(pc)).includes('Dopo il ricaricamento'), { message: 'pending before the reload' });
    await pc.reload();
    await expectHeading(pc, 'Coordinamento gare');
    await waitFor(async () => (await pending(pc)).includes('Dopo il ricaricamento'), { message: 'pending after the reload' });
    await pc.unroute('**/api/v1/rooms/*/messages', cut);
    await pc.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitFor(async () => (await pending(pc)).length === 0, { timeout: 40000, message: 'the kept message was sent' });
    await waitShown(pa, ['Dopo il ricaricamento'], 'A');
    const finalA = await shown(pa);
    assert.equal(finalA.filter((x) => x === 'Dopo il ricaricamento').length, 1, 'sent once');
    assert.equal(new Set(finalA).size, finalA.length, `A shows a message twice: ${JSON.stringify(finalA)}`);
    dropNetworkNoise(pc);
    await checkPage(pc, 'room after reload');

    // Written offline, then the author leaves the room: it still goes when the connection returns.
    await pc.context().setOffline(true);
    await send(pc, 'Scritto prima di uscire');
    await waitFor(async () => (await pending(pc)).includes('Scritto prima di uscire'), { message: 'pending before leaving' });
    await pc.getByRole('link', { name: 'Torna alle stanze' }).click();
    await expectHeading(pc, 'Stanze');
    await pc.context().setOffline(false);
    await waitShown(pa, ['Scritto prima di uscire'], 'A');
    await pc.goBack();
    await expectHeading(pc, 'Coordinamento gare');
    await waitShown(pc, ['Scritto prima di uscire'], 'C');
    assert.deepEqual(await pending(pc), [], 'nothing left in the outbox');
    assert.equal((await shown(pc)).filter((x) => x === 'Scritto prima di uscire').length, 1, 'once');
    dropNetworkNoise(pc);

  });

  it('replies show what they answer and are counted; typing; edits, reactions, deletions and promotion show to everyone', async () => {
    await pb.goto(roomPath);
    await expectHeading(pb, 'Coordinamento gare');
    await waitShown(pb, ['Dopo il ricaricamento'], 'B');
    const original = pb.locator('article[data-seq]').filter({ hasText: 'Buongiorno a tutti' });
    await original.getByRole('button', { name: 'Rispondi a Alba Rossi' }).click();
    await expectText(pb.getByTestId('replying-to'), 'Rispondi a Alba Rossi');
    assert.equal(await pb.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'Reply puts the focus in the composer');
    // Typing shows to the others (not announced).
    await composer(pb).pressSequentially('Rispondo', { delay: 20 });
    await expectText(pa.getByTestId('typing'), 'Bruno Neri sta scrivendo…');
    await send(pb, 'Rispondo al buongiorno');
    const reply = pa.locator('article[data-seq]').filter({ hasText: 'Rispondo al buongiorno' });
    await expectText(reply, 'In risposta a Alba Rossi');
    await expectText(reply, 'Buongiorno a tutti');
    const orig = pa.locator('article[data-seq]').filter({ hasText: 'Buongiorno a tutti' }).first();
    await expectText(orig, '1 risposta');

    // A edits their own message: everyone sees it edited.
    const mine = pa.locator('article[data-seq]').filter({ hasText: 'Per la lista' });
    await mine.getByRole('button', { name: 'Modifica' }).click();
    const box = pa.getByRole('textbox', { name: /^Modifica il messaggio/ });
    await box.fill('Per la lista (corretto)');
    await pa.getByRole('button', { name: 'Salva' }).click();
    await waitShown(pc, ['Per la lista (corretto)'], 'C');
    await expectText(pc.locator('article[data-seq]').filter({ hasText: 'Per la lista (corretto)' }), 'modificato');

    // A reaction, counted for everyone.
    const target = pc.locator('article[data-seq]').filter({ hasText: 'Ciao da Borgo Sud' });
    await target.getByRole('button', { name: 'Reagisci' }).click();
    await target.getByRole('button', { name: /^Grazie: 0/ }).click();
    await waitFor(async () => (await target.getByRole('button', { name: /^Grazie: 1/ }).getAttribute('aria-pressed')) === 'true', { message: 'C reacted' });
    await expectText(pb.locator('article[data-seq]').filter({ hasText: 'Ciao da Borgo Sud' }).locator('[data-reaction="🙏"]'), '1');

    // The moderator deletes a message: a placeholder for everyone.
    await admin.goto(roomPath);
    await expectHeading(admin, 'Coordinamento gare');
    const doomed = admin.locator('article[data-seq]').filter({ hasText: 'E ancora' });
    await doomed.getByRole('button', { name: 'Elimina' }).click();
    await admin.getByRole('button', { name: 'Elimina il messaggio' }).click();
    await waitFor(async () => !(await shown(pb)).includes('E ancora'), { message: 'the deleted text is gone for B' });
    await expectText(pb.getByTestId('room-log'), 'Messaggio eliminato da un moderatore.');
    await checkPage(admin, 'room as moderator');

    // The moderator turns a message into a forum thread: everyone gets the link.
    const cat = await api(admin, 'POST', '/api/v1/admin/categories', { name_it: 'Gare e appalti' });
    assert.equal(cat.status, 201, JSON.stringify(cat.body));
    await admin.locator('article[data-seq]').filter({ hasText: 'Buongiorno a tutti' }).first().getByRole('button', { name: 'Porta nel forum' }).click();
    const dlg = admin.locator('dialog[open]');
    await dlg.getByLabel('Categoria').selectOption({ label: 'Gare e appalti' });
    await dlg.getByLabel('Titolo della discussione').fill('Il buongiorno della stanza');
    await checkPage(admin, 'promote dialog');
    await dlg.getByRole('button', { name: 'Crea la discussione' }).click();
    const link = pb.locator('article[data-seq]').filter({ hasText: 'Buongiorno a tutti' }).getByRole('link', { name: 'Diventato una discussione del forum' });
    await link.waitFor({ state: 'visible' });
    await link.click();
    await expectHeading(pb, 'Il buongiorno della stanza');
    await pb.goBack();
    await expectHeading(pb, 'Coordinamento gare');
  });

  it('slow mode: the second message waits in the outbox with a countdown, then goes', async () => {
    await admin.getByRole('button', { name: 'Gestisci la stanza' }).click();
    await admin.getByLabel('Modalità lenta').selectOption('10');
    await admin.getByRole('button', { name: 'Salva' }).click();
    await expectText(admin.getByRole('status').filter({ hasText: 'Modalità lenta aggiornata' }), 'Modalità lenta aggiornata');
    await expectText(pb.locator('.room-composer'), 'Modalità lenta: un messaggio ogni 10 secondi.');
    await send(pb, 'Primo lento');
    await waitShown(pb, ['Primo lento'], 'B');
    await send(pb, 'Secondo lento');
    await expectText(pb.getByTestId('slow-wait'), /Puoi inviare il prossimo messaggio tra \d+ s/);
    assert.deepEqual(await pending(pb), ['Secondo lento']);
    await waitShown(pa, ['Secondo lento'], 'A');
    assert.equal((await pending(pb)).length, 0);
    await admin.getByLabel('Modalità lenta').selectOption('0');
    await admin.getByRole('button', { name: 'Salva' }).click();
    await waitFor(async () => (await pb.locator('.room-composer').innerText()).indexOf('Modalità lenta') < 0, { message: 'slow mode off for B' });
  });

  it('a muted member\'s message fails with the server\'s reason, with Retry and Discard', async () => {
    const carla = admin.locator('article[data-seq]').filter({ hasText: 'Ciao da Colle Est' });
    await carla.getByRole('button', { name: 'Silenzia' }).click();
    const dlg = admin.locator('dialog[open]');
    await dlg.getByLabel('Per quanto tempo').selectOption('10');
    await dlg.getByLabel('Motivo').fill('Prova di moderazione');
    await dlg.getByRole('button', { name: 'Silenzia' }).click();
    await waitFor(async () => (await admin.locator('dialog[open]').count()) === 0, { message: 'the mute dialog closed' });

    await send(pc, 'Primo dopo il silenzio');
    const failed = pc.locator('[data-testid="pending-message"]').filter({ hasText: 'Primo dopo il silenzio' });
    await waitFor(async () => (await failed.getAttribute('data-state')) === 'failed', { message: 'the send failed' });
    await expectText(failed.getByTestId('pending-status'), /^Non inviato: .+/);
    assert.equal(await failed.getByRole('button', { name: /^Riprova/ }).count(), 1);
    assert.equal(await failed.getByRole('button', { name: /^Scarta/ }).count(), 1);
    // The page learns it is muted: the notice replaces the composer; the refusal is announced.
    await expectText(pc.locator('.alert-warning'), 'Un moderatore ha sospeso i tuoi messaggi');
    assert.equal(await composer(pc).count(), 0, 'no composer while muted');
    await expectText(pc.getByTestId('live-announcer'), 'Non inviato');
    await checkPage(pc, 'room with a failed message');

    // Unmuted: Retry sends it (same client_id, so never twice) and the composer comes back.
    const id = roomPath.split('/').pop();
    const un = await api(admin, 'DELETE', `/api/v1/rooms/${id}/mutes/${people[2].user.id}`);
    assert.equal(un.status, 204, JSON.stringify(un.body));
    await failed.getByRole('button', { name: /^Riprova/ }).click();
    await waitShown(pa, ['Primo dopo il silenzio'], 'A');
    await composer(pc).waitFor({ state: 'visible' });

    // A message the server refuses for its size: Discard drops it, it is never sent.
    const long = 'Troppo lungo '.repeat(320);
    await send(pc, long);
    const refused = pc.locator('[data-testid="pending-message"][data-state="failed"]');
    await waitFor(async () => (await refused.count()) === 1, { message: 'the long message failed' });
    await refused.getByRole('button', { name: /^Scarta/ }).click();
    await waitFor(async () => (await pending(pc)).length === 0, { message: 'the outbox is empty' });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!(await shown(pa)).some((x) => x.startsWith('Troppo lungo')), 'the discarded message was never stored');
    assert.equal((await shown(pa)).filter((x) => x === 'Primo dopo il silenzio').length, 1, 'the retried message once');
  });

  it('history pages in as the reader scrolls up, keeping the reader\'s place', async () => {
    // Enough messages for two pages (the send rate allows 20 per 10 s to each person).
    const id = roomPath.split('/').pop();
    for (const [k, p] of [pa, pb, pc, admin].entries()) {
      const r = await p.evaluate(
        async ([id, k]) => {
          const csrf = document.cookie.split('; ').find((c) => c.startsWith('tavolo_csrf='))?.split('=')[1] ?? '';
          const out = [];
          for (let i = 0; i < 14; i++) {
            const res = await fetch(`/api/v1/rooms/${id}/messages`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
              body: JSON.stringify({ client_id: `bulk-${k}-${i}`, body: `Storico ${k}-${i}` }),
            });
            out.push(res.status);
          }
          return out;
        },
        [id, k],
      );
      assert.ok(r.every((s) => s === 201), `bulk sends: ${r}`);
    }
    await pc.reload();
    await expectHeading(pc, 'Coordinamento gare');
    await waitShown(pc, ['Storico 3-13'], 'C');
    assert.equal(await pc.locator('article[data-seq]').count(), 50, 'the latest page');
    const log = pc.getByTestId('room-log');
    await expectText(log, 'Carica i messaggi precedenti');
    // The reader scrolls to the top: the older page comes in above, the message they were at stays put.
    const firstSeq = await pc.locator('article[data-seq]').first().getAttribute('data-seq');
    const at = await pc.evaluate((seq) => {
      const log = document.querySelector('[data-testid="room-log"]');
      log.scrollTop = 0;
      log.dispatchEvent(new Event('scroll'));
      return document.querySelector(`article[data-seq="${seq}"]`).getBoundingClientRect().top;
    }, firstSeq);
    await waitFor(async () => (await pc.locator('article[data-seq]').count()) > 50, { message: 'the older page loaded' });
    await expectText(log, 'Inizio della conversazione.');
    const after = await pc.evaluate((seq) => document.querySelector(`article[data-seq="${seq}"]`).getBoundingClientRect().top, firstSeq);
    assert.ok(Math.abs(after - at) < 4, `the message the reader was at moved from ${at} to ${after} px`);
    assert.deepEqual((await shown(pc)).slice(0, 3), ['Buongiorno a tutti', 'Ciao da Borgo Sud', 'Ciao da Colle Est']);
    const seqs = await pc.$$eval('article[data-seq]', (els) => els.map((e) => Number(e.dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'ascending');
    assert.equal(new Set(seqs).size, seqs.length, 'each seq once');
    await checkPage(pc, 'room with its whole history');

    // A link to one old message (a mention's notification links so): the page loads back to it and shows it.
    const seq = await pc.locator('article[data-seq]').filter({ hasText: 'Ciao da Borgo Sud' }).getAttribute('data-seq');
    await pa.goto(`${roomPath}#m${seq}`);
    await expectHeading(pa, 'Coordinamento gare');
    await waitFor(async () => (await pa.evaluate(() => document.activeElement?.id)) === `m${seq}`, { message: 'the linked message has the focus' });
    const box = await pa.evaluate((seq) => {
      const r = document.getElementById(`m${seq}`).getBoundingClientRect();
      const l = document.querySelector('[data-testid="room-log"]').getBoundingClientRect();
      return r.bottom > l.top && r.top < l.bottom;
    }, seq);
    assert.ok(box, 'the linked message is in view');
  });

  it('a room for invited administrations: picked in the form, seen only by them; the room in English', async () => {
    await admin.goto('/stanze/nuova');
    await expectHeading(admin, 'Nuova stanza');
    await field(admin, 'Nome').fill('Riservata ad Arezzo');
    await admin.locator('label[for="access-invited"]').click();
    assert.equal(await admin.getByLabel('Solo le amministrazioni invitate').isChecked(), true);
    await admin.getByLabel('Filtra per nome').fill('arezzo');
    await admin.getByText('Comune di Arezzo Nord', { exact: true }).click();
    assert.equal(await admin.getByLabel('Comune di Arezzo Nord').isChecked(), true);
    await expectText(admin.locator('#admins-chosen'), '1 amministrazione scelta');
    await checkPage(admin, 'new invited room form');
    await admin.getByRole('button', { name: 'Crea la stanza' }).click();
    await expectHeading(admin, 'Riservata ad Arezzo');
    await pa.goto('/stanze');
    await expectText(pa.getByTestId('room-list'), 'Riservata ad Arezzo');
    await expectText(pa.getByTestId('room-item').filter({ hasText: 'Riservata ad Arezzo' }), 'Solo amministrazioni invitate');
    // A joins it; the admin writes in both rooms: the navigation's badge is the list's numbers summed, live.
    const reservedId = new URL(admin.url()).pathname.split('/').pop();
    assert.equal((await api(pa, 'POST', `/api/v1/rooms/${reservedId}/join`)).status, 200);
    await pa.reload();
    await expectText(pa.getByTestId('room-list'), 'Riservata ad Arezzo');
    for (const [rid, n] of [[reservedId, 2], [roomPath.split('/').pop(), 1]]) {
      for (let i = 0; i < n; i++) {
        const r = await api(admin, 'POST', `/api/v1/rooms/${rid}/messages`, { client_id: `nav-${rid}-${i}`, body: `Per il totale ${i}` });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
    }
    await expectText(pa.getByTestId('room-item').filter({ hasText: 'Riservata ad Arezzo' }).getByTestId('room-unread'), '2');
    await navMatchesList(pa, 3, 'A with two rooms unread');
    await checkPage(pa, 'room list with the navigation badge');
    await pb.goto('/stanze');
    await expectText(pb.getByTestId('room-list'), 'Coordinamento gare');
    assert.equal(await pb.getByTestId('room-item').filter({ hasText: 'Riservata ad Arezzo' }).count(), 0, 'B is not invited');
    // Nor can B open it by its address.
    await pb.goto(new URL(admin.url()).pathname);
    await expectHeading(pb, 'Stanza non trovata');

    // In English too.
    await pa.getByRole('button', { name: 'Switch to English' }).click();
    await expectHeading(pa, 'Rooms');
    await pa.getByRole('link', { name: /Coordinamento gare/ }).click();
    await expectHeading(pa, 'Coordinamento gare');
    await pa.getByRole('textbox', { name: /^Write a message/ }).waitFor({ state: 'visible' });
    await expectText(pa.getByRole('complementary'), 'Here now');
    await checkPage(pa, 'room in English');
    await pa.getByRole('button', { name: 'Passa all’italiano' }).click();
    await expectText(pa.getByRole('complementary'), 'Presenti ora');
  });

  it('access revoked while on the room: an alert says so, the composer is disabled and keeps its text, the outbox is kept', async () => {
    const reserved = new URL(admin.url()).pathname;
    const id = reserved.split('/').pop();
    await pa.goto(reserved);
    await expectHeading(pa, 'Riservata ad Arezzo');
    // Live on the room: A is in its presence list.
    await waitFor(async () => (await pa.getByRole('complementary').innerText()).includes('Alba Rossi'), { message: 'A is present in the room' });
    // A message that cannot go yet (its POST cut), and one being typed.
    const cut = (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
    await pa.route('**/api/v1/rooms/*/messages', cut);
    await send(pa, 'In attesa prima della revoca');
    await waitFor(async () => (await pending(pa)).includes('In attesa prima della revoca'), { message: 'pending before the revocation' });
    await composer(pa).fill('Sto ancora scrivendo');

    // The moderator invites Borgo Sud instead of Arezzo.
    const r = await api(admin, 'PATCH', `/api/v1/rooms/${id}`, { administration_ids: [people[1].administrationId] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const alert = pa.getByRole('alert').filter({ hasText: 'Non hai più accesso a questa stanza' });
    await alert.waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await composer(pa).isDisabled(), true, 'the composer is disabled');
    assert.equal(await composer(pa).inputValue(), 'Sto ancora scrivendo', 'what was being typed stays');
    assert.equal(await pa.getByRole('button', { name: 'Invia', exact: true }).isDisabled(), true, 'the send button is disabled');

    // The connection "returns": the outbox keeps its message, unsent, in this browser.
    await pa.unroute('**/api/v1/rooms/*/messages', cut);
    await pa.evaluate(() => window.dispatchEvent(new Event('online')));
    await new Promise((res) => setTimeout(res, 800));
    assert.deepEqual(await pending(pa), ['In attesa prima della revoca'], 'the outbox keeps the message');
    const kept = await pa.evaluate((rid) => Object.keys(localStorage).filter((k) => k.endsWith('.' + rid)).map((k) => localStorage.getItem(k)).join(''), id);
    assert.ok(kept.includes('In attesa prima della revoca'), 'the message is kept in local storage');
    const page = await api(admin, 'GET', `/api/v1/rooms/${id}/messages`);
    assert.ok(!page.body.messages.some((m) => m.body === 'In attesa prima della revoca'), 'and was never sent');
    dropNetworkNoise(pa);
    await checkPage(pa, 'room with access revoked');
  });

  it('phones at 320 and 375 px: nothing sticks out', async () => {
    for (const width of [320, 375]) {
      const phone = await newPage(browser, board.base, { viewport: { width, height: 640 }, isMobile: true, hasTouch: true });
      await loginUI(phone, people[0]);
      await phone.goto(roomPath);
      await expectHeading(phone, 'Coordinamento gare');
      await waitShown(phone, ['Storico 3-13'], `phone ${width}`);
      await assertNoSidewaysScroll(phone, `room at ${width} px`);
      await phone.goto('/stanze');
      await expectHeading(phone, 'Stanze');
      await assertNoSidewaysScroll(phone, `room list at ${width} px`);
      await checkPage(phone, `room list at ${width} px`);
      await phone.context().close();
    }
    for (const p of [pa, pb, pc, admin]) await p.context().close();
  });
});
