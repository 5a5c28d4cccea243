// Lighthouse 12 (default mobile profile) on the home, login, category,
// thread and search pages of a demo board (issue 7, item 17). A benchmark,
// not a test: its scores depend on the machine.
//
//   cd client/bench && npm ci --no-audit --no-fund   # once: Lighthouse stays out of the client's install
//   cd client && npm run build && cd .. && go build -o tmp/tavolo ./server
//   cd client/bench && TAVOLO_BIN=../../tmp/tavolo node lighthouse.mjs [page…] [--runs=N] [--cpu=N]
//
// Home and login are visited anonymously; the others with a demo
// participant's session cookie. Prints each
// page's scores (median of N runs by performance), its metrics, and every
// audit that did not pass in accessibility, best practices and SEO.
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';
import { demoBoard } from './board.mjs';

// Lighthouse's mobile profile: slow 4G (150 ms RTT, 1.6 Mbit/s) and a 4× slower CPU.
const throttlingDefaults = { rttMs: 150, throughputKbps: 1.6 * 1024, requestLatencyMs: 150 * 3.75, downloadThroughputKbps: 1.6 * 1024 * 0.9, uploadThroughputKbps: 750 * 0.9 };

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1);
// --cpu=N overrides the profile's 4× CPU slowdown: on a loaded machine (the
// benchmark index Lighthouse reports well under ~1,000) the main thread's
// work is already slowed down, and 4× on top of it measures the load.
const cpu = args.find((a) => a.startsWith('--cpu='))?.slice(6);
const only = args.filter((a) => !a.startsWith('--'));
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];

const { board, cookie, pages } = await demoBoard();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
// The session cookie goes into the browser's jar (Lighthouse keeps cookies
// across its storage reset); its extraHeaders Cookie does not reach fetch().
const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
const table = [];
try {
  for (const [name, path] of Object.entries(pages)) {
    if (only.length && !only.includes(name)) continue;
    const anonymous = name === 'home' || name === 'login';
    const jar = cdp.contexts()[0];
    await jar.clearCookies();
    if (!anonymous) {
      await jar.addCookies(cookie.split('; ').map((kv) => {
        const i = kv.indexOf('=');
        return { name: kv.slice(0, i), value: kv.slice(i + 1), url: board.base };
      }));
    }
    const results = [];
    // A run that failed (a trace Lighthouse could not read: NO_NAVSTART on a
    // busy machine) is run again, up to three times each.
    for (let tries = 0; results.length < runs; tries++) {
      if (tries >= 3 * runs) throw new Error(`${name}: ${runs} good Lighthouse runs not reached in ${tries}`);
      const r = await lighthouse(board.base + path, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
        ...(cpu ? { throttling: { ...throttlingDefaults, cpuSlowdownMultiplier: Number(cpu) } } : {}),
      });
      if (r.lhr.runtimeError) console.error(`${name}: run failed, again: ${r.lhr.runtimeError.code}`);
      else results.push(r.lhr);
    }
    results.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const lhr = results[Math.floor(results.length / 2)];
    if (!lhr.finalDisplayedUrl.endsWith(path)) throw new Error(`${name}: Lighthouse ended on ${lhr.finalDisplayedUrl}, not ${path}`);
    if (process.env.LIGHTHOUSE_JSON) writeFileSync(`${process.env.LIGHTHOUSE_JSON}-${name}.json`, JSON.stringify(lhr));
    const score = (c) => Math.round(lhr.categories[c].score * 100);
    table.push({ name, scores: CATEGORIES.map(score), metrics: METRICS.map((m) => lhr.audits[m].displayValue), bytes: lhr.audits['total-byte-weight'].displayValue, bench: Math.round(lhr.environment.benchmarkIndex) });
    for (const c of CATEGORIES) {
      for (const ref of lhr.categories[c].auditRefs) {
        const a = lhr.audits[ref.id];
        const failed = a.score !== null && a.score < 1 && (c !== 'performance' || ref.weight > 0);
        if (failed && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual') {
          console.error(`${name} ${c}: ${a.id} (${a.score}) ${a.displayValue ?? ''} ${a.title}`);
        }
      }
    }
  }
} finally {
  await cdp.close();
  await chrome.kill();
  await board.stop();
}
console.log(`| page | ${CATEGORIES.join(' | ')} | ${METRICS.map((m) => m.replace(/-/g, ' ')).join(' | ')} | total bytes | benchmark index |`);
console.log(`|---|${CATEGORIES.map(() => '---|').join('')}${METRICS.map(() => '---|').join('')}---|---|`);
for (const r of table) console.log(`| ${r.name} | ${r.scores.join(' | ')} | ${r.metrics.join(' | ')} | ${r.bytes} | ${r.bench} |`);
