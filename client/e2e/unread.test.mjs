// Issue 7, items 11 and 12, end to end with two users in two contexts.
// Unread: what B has had on screen, live arrivals included, is read; the
// category list and the home page agree with the thread; a return visit
// opens at the first unread post under a divider; a reload keeps it right.
// Mentions: "@mar" + Enter picks marco_rossi over elena_marchetti.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, checkPage, enrolApproved, expectText, launch, loginUI, newPage, startBoard, waitFor } from './harness.mjs';

let board;
let browser;
let A; // Anna: writes
let B; // Bruno: reads
let pa;
let pb;
let thread; // {id, category}

const article = (page, n) => page.getByRole('article', { name: new RegExp(`^Messaggio #${n} di`) });
const row = (page) => page.getByTestId(`thread-${thread.id}`);
const unreadBadge = (scope) => scope.locator('.forum-unread');
/** B's stored read position, from the server. */
const position = async () => (await api(pb, 'GET', `/api/v1/threads/${thread.id}`)).body.thread.last_read_n;
const replyAs = async (page, body) => {
  const r = await api(page, 'POST', `/api/v1/threads/${thread.id}/posts`, { body });
  assert.equal(r.status, 201, `reply: ${JSON.stringify(r.body)}`);
  return r.body;
};
/** The home page's forum slot, by client-side navigation (no reload). */
const goHome = async (page) => {
  await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Home', exact: true }).click();
  await page.locator('.forum-slot li').first().waitFor();
};
const slotRow = (page) => page.locator('.forum-slot li').filter({ hasText: 'Letture del capitolato' });

before(async () => {
  board = await startBoard();
  browser = await launch();
  A = await enrolApproved(browser, board.base, { ipa: 'c_alfa', adminName: 'Comune di Alfa', name: 'Anna Alfieri', email: 'anna@alfa.test' });
  B = await enrolApproved(browser, board.base, { ipa: 'c_beta', adminName: 'Comune di Beta', name: 'Bruno Bettini', email: 'bruno@beta.test' });
  await enrolApproved(browser, board.base, { ipa: 'c_gamma', adminName: 'Comune di Gamma', name: 'Elena Marchetti', email: 'elena@gamma.test' });
  await enrolApproved(browser, board.base, { ipa: 'c_delta', adminName: 'Comune di Delta', name: 'Marco Rossi', email: 'marco@delta.test' });
  pa = await newPage(browser, board.base);
  pb = await newPage(browser, board.base);
  await loginUI(pa, A);
  await loginUI(pb, B);
  const cats = (await api(pa, 'GET', '/api/v1/categories')).body.filter((c) => !c.archived);
  const r = await api(pa, 'POST', '/api/v1/threads', {
    category_id: cats[0].id,
    title: 'Letture del capitolato',
    body: 'Chi ha già letto il capitolato tecnico?',
    tags: [],
  });
  assert.equal(r.status, 201, `new thread: ${JSON.stringify(r.body)}`);
  thread = { id: r.body.thread.id, category: cats[0].id };
  await replyAs(pa, 'Primo punto: le penali.');
  await replyAs(pa, 'Secondo punto: gli SLA.');
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

describe('unread', () => {
  it('a first visit marks what is on screen read, live arrivals included; the lists agree', async () => {
    await pb.setViewportSize({ width: 1280, height: 2000 }); // every post of this short thread on screen
    await pb.goto(`/forum/t/${thread.id}`);
    await article(pb, 3).waitFor();
    await waitFor(async () => (await position()) === 3, { timeout: 15000, message: 'a first visit did not mark the posts on screen read' });
    assert.equal(await pb.locator('#forum-unread-divider').count(), 0, 'no divider on a first visit');

    for (let i = 1; i <= 3; i++) await replyAs(pa, `Aggiunta dal vivo numero ${i}.`);
    await article(pb, 6).waitFor({ timeout: 15000 });
    await waitFor(async () => (await position()) === 6, { timeout: 15000, message: 'live arrivals B saw were not marked read' });

    await pb.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link').nth(1).click();
    await row(pb).waitFor();
    assert.equal(await unreadBadge(row(pb)).count(), 0, 'the category list counts posts B saw as unread');
    await goHome(pb);
    assert.equal(await unreadBadge(slotRow(pb)).count(), 0, 'the home page counts posts B saw as unread');
    await checkPage(pb, 'home with nothing unread');
  });

  it('after B leaves, 3 new replies are counted; the thread opens at the first of them under a divider; a reload keeps it right', async () => {
    for (let i = 1; i <= 3; i++) await replyAs(pa, `Mentre Bruno era altrove, ${i}.`);
    await pb.setViewportSize({ width: 1280, height: 600 });
    await pb.goto(`/forum/c/${thread.category}`);
    await expectText(unreadBadge(row(pb)), '3 messaggi non letti');
    await pb.reload();
    await expectText(unreadBadge(row(pb)), '3 messaggi non letti');
    await goHome(pb);
    await expectText(unreadBadge(slotRow(pb)), '3 messaggi non letti');
    await pb.goto(`/forum/c/${thread.category}`);
    await checkPage(pb, 'category with 3 unread');

    await row(pb).getByRole('link', { name: 'Letture del capitolato' }).click();
    const divider = pb.locator('#forum-unread-divider');
    await expectText(divider, 'Nuovi dalla tua ultima visita');
    await waitFor(() => divider.evaluate((el) => document.activeElement === el), { message: 'the divider did not take focus' });
    const next = await divider.evaluate((el) => el.nextElementSibling?.getAttribute('data-post-n'));
    assert.equal(next, '7', 'the divider is not right above the first unread post');
    await waitFor(() => article(pb, 7).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight;
    }), { message: 'the first unread post is not on screen' });
    await expectText(pb.getByTestId('live-announcer'), '3 messaggi nuovi dalla tua ultima visita');
    await checkPage(pb, 'thread opened at the first unread post');

    await article(pb, 9).scrollIntoViewIfNeeded();
    await waitFor(async () => (await position()) === 9, { timeout: 15000, message: 'reading the new posts did not move the position' });
    await pb.reload();
    await article(pb, 9).waitFor();
    assert.equal(await pb.locator('#forum-unread-divider').count(), 0, 'a divider after everything was read');
    assert.equal(await pb.locator('.forum-post-new').count(), 0, 'posts already seen marked "nuovo" after a reload');
    await pb.goto(`/forum/c/${thread.category}`);
    await row(pb).waitFor();
    assert.equal(await unreadBadge(row(pb)).count(), 0, 'the category counts read posts after a reload');
  });
});

describe('mentions', () => {
  it('"@mar" + Enter inserts @marco_rossi, not @elena_marchetti', async () => {
    await pb.goto(`/forum/t/${thread.id}`);
    const box = pb.getByRole('textbox', { name: /^Rispondi alla discussione/ });
    await box.click();
    await box.pressSequentially('Chiedo a @mar');
    await box.press('Enter');
    await waitFor(async () => (await box.inputValue()).startsWith('Chiedo a @marco_rossi '), {
      message: `Enter did not insert @marco_rossi: ${await box.inputValue()}`,
    });
    await box.pressSequentially('e a @mar');
    const list = pb.getByRole('listbox', { name: 'Suggerimenti di menzione' });
    await list.getByRole('option').first().waitFor();
    const options = await list.getByRole('option').allInnerTexts();
    assert.ok(options[0].includes('@marco_rossi') && options.some((o) => o.includes('@elena_marchetti')), `options in order: ${JSON.stringify(options)}`);
    await checkPage(pb, 'composer with ranked suggestions');
  });
});
