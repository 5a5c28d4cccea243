// Issue 9, item 9 and the Chromium tests: live rooms in the browser.
// Three people chat in a room; one goes offline, writes three messages that
// wait in the outbox as pending, comes back, and every page shows every
// message exactly once, in the same order. A reload while messages wait
// keeps them (local storage) and sends them when the connection returns.
// The list's unread badge follows new messages live. axe on every page;
// phones at 320 and 375 px do not scroll sideways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, checkPage, enrolApproved, expectHeading, expectPath, expectText, field, launch, loginUI, newPage, startBoard, waitFor } from './harness.mjs';

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

async function assertNoSidewaysScroll(page, label) {
  const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(r.scroll <= r.inner, `${label}: the page is ${r.scroll} px wide on a ${r.inner} px screen`);
}

describe('rooms in the browser', () => {
  it('three people chat; offline sends wait as pending and arrive once, in order; a reload keeps them', async () => {
    const people = await Promise.all(
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
    const admin = await newPage(browser, board.base);
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
    const roomPath = new URL(admin.url()).pathname;
    await expectHeading(admin, 'Coordinamento gare');

    const [pa, pb, pc] = await Promise.all(people.map(() => newPage(browser, board.base)));
    for (const [i, p] of [pa, pb, pc].entries()) {
      await loginUI(p, people[i]);
      await p.goto('/stanze');
      await p.getByRole('link', { name: /Coordinamento gare/ }).click();
      await expectHeading(p, 'Coordinamento gare');
      await expectText(p.getByTestId('room-log'), 'Ancora nessun messaggio');
    }
    await checkPage(pa, 'empty room');

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
    assert.equal(await item.getByTestId('room-unread').count(), 0, 'B read everything');
    await send(pa, 'Per la lista');
    await expectText(item.getByTestId('room-unread'), '1');
    await send(pa, 'E ancora');
    await expectText(item.getByTestId('room-unread'), '2');
    await expectText(item.getByRole('link'), '2 messaggi non letti');
    await checkPage(pb, 'room list with unread');
    await item.getByRole('link').click();
    await waitShown(pb, ['E ancora'], 'B');
    await pb.goBack();
    await expectHeading(pb, 'Stanze');
    await waitFor(async () => (await item.getByTestId('room-unread').count()) === 0, { message: 'the badge clears after reading' });

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

    // Phones: nothing sticks out at 320 and 375 px.
    for (const width of [320, 375]) {
      const phone = await newPage(browser, board.base, { viewport: { width, height: 640 }, isMobile: true, hasTouch: true });
      await loginUI(phone, people[0]);
      await phone.goto(roomPath);
      await expectHeading(phone, 'Coordinamento gare');
      await waitShown(phone, ['Dopo il ricaricamento'], `phone ${width}`);
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
