// Shared end-to-end harness: a real Tavolo binary on a free loopback port
// with a fresh data directory, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import axe from 'axe-core';

export const ADMIN = { email: 'admin@tavolo.test', password: 'admin-password-1' };

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the board; returns {base, logs(), restart(), stop()}.
 * restart() stops the process (SIGTERM) and starts it again on the same port
 * and data directory: sessions and content survive, sockets drop.
 */
export async function startBoard(env = {}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'tavolo-e2e-'));
  const bin = path.resolve(process.env.TAVOLO_BIN ?? '../tmp/tavolo');
  const base = `http://127.0.0.1:${port}`;
  let out = '';
  let proc = null;
  let exited = null;

  async function spawnBoard() {
    proc = spawn(bin, [], {
      env: {
        ...process.env,
        TAVOLO_ADDR: `127.0.0.1:${port}`,
        TAVOLO_PUBLIC_URL: base,
        TAVOLO_DATA_DIR: dir,
        TAVOLO_ADMIN_EMAIL: ADMIN.email,
        TAVOLO_ADMIN_PASSWORD: ADMIN.password,
        TAVOLO_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const p = proc;
    exited = new Promise((resolve) => p.on('exit', resolve));
    const deadline = Date.now() + 20000;
    for (;;) {
      try {
        const r = await fetch(base + '/readyz');
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline || p.exitCode !== null) {
        throw new Error(`board did not start:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function kill() {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
  }

  await spawnBoard();
  return {
    base,
    logs: () => out,
    /** Stops the process only; start() brings it back on the same port and data. */
    halt: kill,
    start: spawnBoard,
    async restart() {
      await kill();
      await spawnBoard();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new browser context whose pages fail the test on console errors,
 * CSP violations and uncaught exceptions. Other options go to the context
 * (a phone: {viewport, isMobile: true, hasTouch: true}).
 */
export async function newPage(browser, base, { lang = 'it-IT', ...context } = {}) {
  const ctx = await browser.newContext({ baseURL: base, locale: lang, ...context });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'console errors or CSP violations on the page');
}

/**
 * The contrast of each node axe could not decide ("incomplete"
 * color-contrast: text over a translucent or overlapping background, a
 * pseudo-element…), computed here: the text colour (alpha and opacity
 * included) over the element's own and its ancestors' background colours,
 * composited down to the nearest opaque one (white at the root). Nodes over
 * a background image or gradient are returned with ratio null.
 * Runs in the page; exported for its test.
 */
export function measureContrast(selectors) {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => {
    const a = top.a + under.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (k) => (top[k] * top.a + under[k] * under.a * (1 - top.a)) / a;
    return { r: mix('r'), g: mix('g'), b: mix('b'), a };
  };
  const lum = (c) => {
    const ch = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  return selectors.map((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { sel, ratio: null, why: 'not found' };
    if (el.closest(':disabled, [aria-disabled="true"]')) return { sel, ratio: null, why: 'disabled' };
    const cs = getComputedStyle(el);
    let fg = parse(cs.color);
    // Translucent layers between the text and the opaque background, nearest first.
    const layers = [];
    let opacity = 1;
    let image = false;
    for (let n = el; n; n = n.parentElement) {
      const s = getComputedStyle(n);
      opacity *= Number(s.opacity);
      if (s.backgroundImage !== 'none') image = true;
      const bg = parse(s.backgroundColor);
      if (bg && bg.a > 0) {
        layers.push(bg);
        if (bg.a >= 1) break;
      }
    }
    if (image) return { sel, ratio: null, why: 'background image' };
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    fg = over({ ...fg, a: fg.a * opacity }, bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    return { sel, ratio, large, fg: hex(fg), bg: hex(bg), text: el.textContent.trim().slice(0, 40) };
  });
}

/**
 * Runs axe-core (WCAG 2.1 A/AA) and fails on serious or critical violations
 * and on colour-contrast nodes axe left "incomplete" whose contrast, computed
 * by measureContrast, is below 4.5:1 (3:1 for large text).
 */
export async function assertAccessible(page, label) {
  // eslint-disable-next-line no-undef
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axe.source);
  const res = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }),
  );
  const bad = res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  const unsure = res.incomplete
    .filter((r) => r.id === 'color-contrast')
    .flatMap((r) => r.nodes.map((n) => n.target))
    .filter((t) => t.length === 1) // a selector inside a shadow root has several parts; the app has none
    .map((t) => t[0]);
  if (unsure.length > 0) {
    const measured = await page.evaluate(measureContrast, unsure);
    for (const m of measured) {
      if (m.ratio !== null && m.ratio < (m.large ? 3 : 4.5)) {
        bad.push(`color-contrast (incomplete, measured): ${m.sel} "${m.text}" ${m.fg} on ${m.bg} = ${m.ratio.toFixed(2)}:1`);
      }
    }
  }
  assert.deepEqual(bad, [], `axe violations on ${label}`);
}

/** Calls the JSON API the way the client does (CSRF cookie + header). */
export async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('tavolo_csrf='))?.split('=')[1] ?? '';
      const r = await fetch(url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
    [method, url, body],
  );
}

// ---- polling assertions (playwright-core has no `expect`) -----------------

/**
 * Polls fn (sync or async) until it returns a truthy value and returns it;
 * throws with `message` and the last value or error after `timeout` ms.
 */
export async function waitFor(fn, { timeout = 10000, interval = 50, message = 'condition not met' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`${message} (after ${timeout} ms; last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until the locator's text contains `text` (string or RegExp). */
export async function expectText(locator, text, { timeout = 10000 } = {}) {
  let seen = '';
  try {
    await waitFor(
      async () => {
        seen = (await locator.first().innerText({ timeout: 500 })).replace(/\s+/g, ' ');
        return typeof text === 'string' ? seen.includes(text) : text.test(seen);
      },
      { timeout },
    );
  } catch {
    throw new Error(`expected ${locator} to contain ${text}; it shows: ${JSON.stringify(seen)}`);
  }
}

/** Waits until the page's path (and optionally search) matches. */
export async function expectPath(page, pathname, { timeout = 10000 } = {}) {
  await waitFor(() => {
    const u = new URL(page.url());
    return typeof pathname === 'string' ? u.pathname === pathname : pathname.test(u.pathname + u.search);
  }, { timeout, message: `expected path ${pathname}, at ${page.url()}` });
}

/** Waits for a visible <h1> with the given text. */
export async function expectHeading(page, name, { timeout = 10000 } = {}) {
  await page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible', timeout });
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The form control labelled `label`; the required marker ("* (Obbligatorio)")
 * after the label text is allowed, nothing else.
 */
export function field(scope, label) {
  return scope.getByLabel(new RegExp(`^${escapeRe(label)}(\\s*\\*.*)?$`));
}

/**
 * Waits until the control labelled `label` is aria-invalid and describes
 * itself (aria-describedby) with an element next to it (same form group)
 * containing `text`.
 */
export async function expectFieldError(scope, label, text, { timeout = 10000 } = {}) {
  const loc = field(scope, label);
  let info = null;
  try {
    await waitFor(
      async () => {
        info = await loc.evaluate((el) => {
          const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
          const group = el.parentElement;
          const described = ids.map((id) => document.getElementById(id)).filter(Boolean);
          return {
            invalid: el.getAttribute('aria-invalid') === 'true',
            next: described.filter((n) => group.contains(n)).map((n) => n.textContent.trim()),
          };
        }, undefined, { timeout: 500 });
        return info.invalid && info.next.some((t) => t.includes(text));
      },
      { timeout },
    );
  } catch {
    throw new Error(`expected field "${label}" to show error "${text}"; it has ${JSON.stringify(info)}`);
  }
}

/** Asserts the field is not marked invalid. */
export async function expectNoFieldError(scope, label) {
  const invalid = await field(scope, label).getAttribute('aria-invalid');
  assert.notEqual(invalid, 'true', `field "${label}" should not be invalid`);
}

/** Fails when the page is wider than its viewport (WCAG 1.4.10, reflow: no sideways scrolling). */
export async function assertNoSidewaysScroll(page, label) {
  const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(r.scroll <= r.inner, `${label}: the page is ${r.scroll} px wide on a ${r.inner} px screen`);
}

/** The checks every visited page gets: no console/CSP/page errors, axe clean. */
export async function checkPage(page, label) {
  assertNoProblems(page);
  await assertAccessible(page, label);
  assertNoProblems(page);
}

// ---- shortcuts for set-up through the API (the UI flows are tested in foundation) ----

let ipaCounter = 0;
/** A fresh, valid codice IPA. */
export function newIpa(prefix = 'e2e') {
  ipaCounter += 1;
  return `${prefix}_${process.pid % 1000}${ipaCounter}`.slice(0, 11);
}

/**
 * Enrols an administration through the API from a throwaway context and
 * approves it as admin; returns the referente's credentials.
 */
export async function enrolApproved(browser, base, { ipa = newIpa(), adminName, name, email, password = 'password-e2e-1' }) {
  const page = await newPage(browser, base);
  try {
    await page.goto('/accessibilita');
    await api(page, 'GET', '/api/v1/session');
    const r = await api(page, 'POST', '/api/v1/enrolments', {
      codice_ipa: ipa,
      name: adminName,
      category: 'comune',
      region: 'toscana',
      referente: { name, email, password },
    });
    assert.equal(r.status, 201, `enrolment: ${JSON.stringify(r.body)}`);
    const id = r.body.administration.id;
    await api(page, 'DELETE', '/api/v1/session');
    await api(page, 'GET', '/api/v1/session');
    const l = await api(page, 'POST', '/api/v1/session', ADMIN);
    assert.equal(l.status, 200, `admin login: ${JSON.stringify(l.body)}`);
    await api(page, 'GET', '/api/v1/session');
    const a = await api(page, 'POST', `/api/v1/admin/administrations/${id}/approve`);
    assert.equal(a.status, 200, `approve: ${JSON.stringify(a.body)}`);
    return { ipa, email, password, name, administrationId: id, user: r.body.user };
  } finally {
    await page.context().close();
  }
}

/** Logs in through the /login form and waits for the home page. */
export async function loginUI(page, { email, password }) {
  await page.goto('/login');
  await expectHeading(page, /Accedi al Tavolo|Log in to the Tavolo/);
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: /^(Accedi|Log in)$/ }).last().click();
  await waitFor(() => new URL(page.url()).pathname !== '/login', { message: `login of ${email} did not leave /login` });
}

/** Parses an RFC 4180 document: quoted fields, doubled quotes, CRLF records. */
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the document ends with CRLF');
  return rows;
}
