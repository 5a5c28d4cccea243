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

/** Starts the board; returns {base, logs(), stop()}. */
export async function startBoard(env = {}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'tavolo-e2e-'));
  const bin = path.resolve(process.env.TAVOLO_BIN ?? '../tmp/tavolo');
  const base = `http://127.0.0.1:${port}`;
  let out = '';
  const proc = spawn(bin, [], {
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
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(base + '/readyz');
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || proc.exitCode !== null) {
      throw new Error(`board did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    logs: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
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
 * CSP violations and uncaught exceptions.
 */
export async function newPage(browser, base, { lang = 'it-IT' } = {}) {
  const context = await browser.newContext({ baseURL: base, locale: lang });
  const page = await context.newPage();
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

/** Runs axe-core (WCAG 2.1 A/AA) and fails on serious or critical violations. */
export async function assertAccessible(page, label) {
  await page.evaluate(axe.source);
  const res = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }),
  );
  const bad = res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
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
