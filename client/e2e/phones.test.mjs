// Issue 7 item 9: every page works on a phone from 320 px up (WCAG 1.4.10,
// reflow): no horizontal scrolling, every header control (logout, connection
// indicator, notification bell, menu toggle) visible inside the viewport and
// usable by tap, and the side menu's links inside the viewport and tappable.
// Chromium with touch emulation at 320 and 375 px. TAVOLO_E2E_SHOTS=<dir>
// saves a screenshot of every page for a person to look at.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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
  newPage,
  startBoard,
  waitFor,
} from './harness.mjs';

const WIDTHS = [320, 375];
const SHOTS = process.env.TAVOLO_E2E_SHOTS;

let board;
let browser;
let U; // a referente with a thread of awkward content
let thread; // {id, url}
let category; // {id}

const LONG_WORD = 'Sovraintendenzaallesternalizzazionedeiservizi'.repeat(5);
const LONG_BODY = [
  'Un messaggio lungo con una parola che non finisce mai: ' + LONG_WORD + '.',
  '',
  'Un indirizzo: https://www.example.gov.it/' + 'percorso/'.repeat(15) + 'documento.pdf',
  '',
  '| Amministrazione | Servizio | Fornitore | Durata | Importo annuo | Esito | Note |',
  '|---|---|---|---|---|---|---|',
  '| Comune di Telefonia | Paghe e stipendi | Cooperativa Servizi Integrati | 36 mesi | 123.456,78 € | Positivo | Rinnovato nel 2025 con clausole sociali |',
  '| Comune di Schermopiccolo | Mensa scolastica | Ristorazione Collettiva | 48 mesi | 987.654,32 € | Da rivedere | Penali applicate due volte |',
  '',
  '```',
  'SELECT amministrazione, servizio, fornitore, importo_annuo, esito FROM esternalizzazioni WHERE durata_mesi > 24 ORDER BY importo_annuo DESC;',
  '```',
  '',
  ('Testo normale che va a capo come deve. ').repeat(30),
].join('\n');

before(async () => {
  board = await startBoard();
  browser = await launch();
  U = await enrolApproved(browser, board.base, {
    ipa: 'c_tel01',
    adminName: 'Comune di Telefonia Mobile e Schermi Piccoli',
    name: 'Telemaco Schermoridotto',
    email: 'telemaco@telefonia.test',
  });
  const ctx = await browser.newContext({ baseURL: board.base });
  const page = await ctx.newPage();
  await page.goto('/accessibilita');
  await api(page, 'GET', '/api/v1/session');
  const l = await api(page, 'POST', '/api/v1/session', { email: U.email, password: U.password });
  assert.equal(l.status, 200, `login: ${JSON.stringify(l.body)}`);
  await api(page, 'GET', '/api/v1/session');
  const cats = await api(page, 'GET', '/api/v1/categories');
  category = cats.body[0];
  const r = await api(page, 'POST', '/api/v1/threads', {
    category_id: category.id,
    title: 'Contratti di servizio: ' + LONG_WORD.slice(0, 120),
    body: LONG_BODY,
  });
  assert.equal(r.status, 201, `thread: ${JSON.stringify(r.body)}`);
  thread = r.body.thread;
  const reply = await api(page, 'POST', `/api/v1/threads/${thread.id}/posts`, { body: 'Risposta breve con `codice_in_linea_molto_lungo_che_non_si_spezza_da_solo_mai_e_poi_mai`.' });
  assert.equal(reply.status, 201, `reply: ${JSON.stringify(reply.body)}`);
  await ctx.close();
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

/** A phone: the width, touch, a mobile browser's viewport rules. */
function phone(width) {
  return newPage(browser, board.base, { viewport: { width, height: 640 }, isMobile: true, hasTouch: true });
}

/** Fails when the page scrolls sideways; names the elements that stick out. */
async function assertNoSidewaysScroll(page, label) {
  // A mobile browser widens its layout viewport (and zooms out) to fit content that does not fit.
  const want = page.viewportSize().width;
  const r = await page.evaluate((want) => {
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > want + 0.5 && !clipped(el)) {
        // Report the outermost offender only.
        if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(b.right) });
      }
    }
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wide: wide.slice(0, 5).map((w) => `${describe(w.el)} (right ${w.right})`),
    };
  }, want);
  assert.ok(
    r.scrollWidth <= want && r.innerWidth === want,
    `${label}: the page is ${r.scrollWidth} px wide, laid out in ${r.innerWidth} px, on a ${want} px screen; sticking out: ${r.wide.join(', ')}`,
  );
}

/** Fails unless the element is visible, inside the viewport and the topmost thing at its centre. */
async function assertTappable(page, locator, label) {
  await locator.waitFor({ state: 'visible', timeout: 10000 });
  const r = await locator.evaluate((el) => {
    const b = el.getBoundingClientRect();
    const x = b.left + b.width / 2;
    const y = b.top + b.height / 2;
    const top = document.elementFromPoint(x, y);
    return {
      left: b.left,
      right: b.right,
      top: b.top,
      bottom: b.bottom,
      width: b.width,
      height: b.height,
      vw: window.innerWidth,
      vh: window.innerHeight,
      onTop: !!top && (el === top || el.contains(top)),
    };
  });
  const where = `[${Math.round(r.left)}, ${Math.round(r.right)}] × [${Math.round(r.top)}, ${Math.round(r.bottom)}] in ${r.vw} × ${r.vh}`;
  assert.ok(r.width > 0 && r.height > 0, `${label}: has no size`);
  assert.ok(r.left >= 0 && r.right <= r.vw && r.top >= 0 && r.bottom <= r.vh, `${label}: not inside the viewport: ${where}`);
  assert.ok(r.onTop, `${label}: covered by something else at its centre (${where})`);
}

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-screen.png`) });
}

const nav = (page) => page.getByRole('navigation', { name: 'Navigazione principale' });

/**
 * Opens the side menu by tap and checks every link in it (and "Esci" when
 * logged in); closes it again unless `then` is given: then it taps that control.
 */
async function checkMenu(page, label, wantLinks, { logout = false, then = null } = {}) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const toggle = page.getByRole('button', { name: 'Apri il menu' });
  await assertTappable(page, toggle, `${label}: menu toggle`);
  await toggle.tap();
  const links = nav(page).getByRole('link');
  await waitFor(async () => (await links.count()) >= wantLinks.length, { message: `${label}: the menu shows its links` });
  const names = (await links.allInnerTexts()).map((s) => s.trim());
  for (const w of wantLinks) assert.ok(names.includes(w), `${label}: menu link "${w}" missing; it has ${JSON.stringify(names)}`);
  for (let i = 0; i < (await links.count()); i++) await assertTappable(page, links.nth(i), `${label}: menu link "${names[i]}"`);
  if (logout) await assertTappable(page, nav(page).getByRole('button', { name: 'Esci' }), `${label}: logout in the menu`);
  await assertNoSidewaysScroll(page, `${label} with the menu open`);
  await shot(page, `${label}-menu`);
  if (then) {
    await nav(page).getByRole(then.role, { name: then.name, exact: true }).tap();
    return;
  }
  await page.getByRole('button', { name: 'Chiudi il menu' }).tap();
  await waitFor(async () => !(await links.first().isVisible()), { message: `${label}: the menu closes` });
}

/** Visits a page and runs every phone check on it. */
async function visit(page, url, heading, label) {
  await page.goto(url);
  await expectHeading(page, heading);
  await assertNoSidewaysScroll(page, label);
  await checkPage(page, label);
  await shot(page, label);
}

for (const width of WIDTHS) {
  describe(`phone at ${width} px`, () => {
    it('anonymous pages: home, login, enrolment, forgotten password, legal, not found', async () => {
      const page = await phone(width);
      const pages = [
        ['/', 'Cantiere Esternalizzazioni', 'home'],
        ['/login', 'Accedi al Tavolo', 'login'],
        ['/iscrizione', 'Iscrizione dell’amministrazione', 'enrol'],
        ['/password-dimenticata', 'Password dimenticata', 'forgot'],
        ['/accessibilita', 'Dichiarazione di accessibilità', 'accessibility'],
        ['/privacy', 'Informativa sul trattamento dei dati personali', 'privacy'],
        ['/non-esiste', 'Pagina non trovata', 'notfound'],
      ];
      for (const [url, heading, name] of pages) await visit(page, url, heading, `${width}-anon-${name}`);
      // The login link in the header is reachable by tap.
      await assertTappable(page, page.locator('header').getByRole('link', { name: 'Accedi', exact: true }), `${width} anonymous: login link`);
      await checkMenu(page, `${width}-anon`, ['Home']);
      await page.context().close();
    });

    it('a participant: forum, a category, a thread with long content, search, notifications, profile; header controls by tap', async () => {
      const page = await phone(width);
      await loginUI(page, U);
      await expectHeading(page, /Benvenut|Ti diamo il benvenuto/);
      const header = page.locator('header');
      const indicator = header.getByRole('status').filter({ hasText: 'Stato della connessione' });
      await expectText(indicator, 'connesso');
      await assertNoSidewaysScroll(page, `${width} home (logged in)`);
      await checkPage(page, `${width} home (logged in)`);
      await shot(page, `${width}-user-home`);
      // Every header control is inside the viewport and on top.
      await assertTappable(page, indicator, `${width}: connection indicator`);
      await assertTappable(page, page.getByTestId('notification-bell'), `${width}: notification bell`);
      // Phones have no room for "Esci" in the header: it is in the side menu.
      assert.equal(await header.getByRole('button', { name: 'Esci' }).isVisible(), false, `${width}: "Esci" moved to the menu`);
      await checkMenu(page, `${width}-user`, ['Home', 'Forum', 'Cerca', 'Profilo'], { logout: true });
      // A menu link works by tap.
      await checkMenu(page, `${width}-user`, ['Forum'], { then: { role: 'link', name: 'Forum' } });
      await expectPath(page, '/forum');
      await expectHeading(page, 'Forum');

      // The bell works by tap.
      await page.getByTestId('notification-bell').tap();
      await expectPath(page, '/notifiche');
      await expectHeading(page, 'Notifiche');
      await assertNoSidewaysScroll(page, `${width} notifications`);
      await checkPage(page, `${width} notifications`);
      await shot(page, `${width}-user-notifications`);

      await visit(page, '/forum', 'Forum', `${width}-user-forum`);
      await visit(page, `/forum/c/${category.id}`, category.name_it ?? category.name, `${width}-user-category`);
      // A reply arrives live: the row gets its "aggiornata" badge (issue 7 item 10: it had 2.4:1 contrast).
      const r = await api(page, 'POST', `/api/v1/threads/${thread.id}/posts`, { body: `Aggiornamento a ${width} px.` });
      assert.equal(r.status, 201, `live reply: ${JSON.stringify(r.body)}`);
      await expectText(page.locator('main'), 'aggiornata');
      await assertNoSidewaysScroll(page, `${width} category with a live update`);
      await checkPage(page, `${width} category with a live update`);
      await shot(page, `${width}-user-category-live`);
      await visit(page, `/forum/t/${thread.id}`, /Contratti di servizio/, `${width}-user-thread`);
      await expectText(page.locator('table').first(), 'Cooperativa Servizi Integrati');
      await visit(page, '/cerca?q=fornitore', 'Cerca nel forum', `${width}-user-search`);
      await visit(page, '/profilo', 'Il tuo profilo', `${width}-user-profile`);

      // Logout works by tap, from the menu.
      await checkMenu(page, `${width}-user-last`, ['Home'], { logout: true, then: { role: 'button', name: 'Esci' } });
      await header.getByRole('link', { name: 'Accedi', exact: true }).waitFor();
      await page.context().close();
    });

    it('the admin page', async () => {
      const page = await phone(width);
      await loginUI(page, ADMIN);
      await visit(page, '/admin', 'Amministrazione del Cantiere', `${width}-admin`);
      await checkMenu(page, `${width}-admin`, ['Home', 'Forum', 'Amministrazione'], { logout: true });
      await page.context().close();
    });
  });
}
