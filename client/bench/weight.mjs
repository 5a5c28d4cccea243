// Page weight and time to posts on a modest connection (issue 7, item 8).
//
//   cd client && npm run build && cd .. && go build -o tmp/tavolo ./server
//   cd client && TAVOLO_BIN=../tmp/tavolo node bench/weight.mjs
//
// A demo board, a logged-in participant, Debian's Chromium. For each page:
// the bytes on the wire (CDP Network.loadingFinished encodedDataLength:
// headers + body as transferred, websocket frames excluded) of a first visit
// with an empty cache and of a repeat visit, and the time from navigation
// to the page's content (posts on a thread) under CDP throttling at
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT. Plain http on loopback: Chromium
// asks for brotli only over https, so this measures gzip; the build's .br
// files are smaller still.
import { launch } from '../e2e/harness.mjs';
import { demoBoard } from './board.mjs';

const THROTTLE = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };
// What "the page shows" means for each page.
const READY = {
  home: 'main h1',
  login: 'main form',
  category: '[data-testid^="thread-"]',
  thread: '[data-testid="post-1"]',
  search: 'main h1',
};

async function visit(context, base, path, ready, throttle) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (throttle) await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  let bytes = 0;
  let requests = 0;
  const byType = {};
  const types = new Map();
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests++;
    const t = types.get(e.requestId) ?? 'Other';
    byType[t] = (byType[t] ?? 0) + e.encodedDataLength;
  });
  const t0 = Date.now();
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 60000 });
  const shown = Date.now() - t0;
  await page.waitForLoadState('networkidle', { timeout: 60000 });
  await page.close();
  return { bytes, requests, shown, byType };
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB';

const only = process.argv.slice(2);
const { board, cookie, pages } = await demoBoard();
const browser = await launch();
try {
  const rows = [];
  for (const [name, path] of Object.entries(pages)) {
    if (only.length && !only.includes(name)) continue;
    const anonymous = name === 'login';
    // Bytes: unthrottled, a fresh context (empty cache), then the same context again.
    const context = await browser.newContext({ locale: 'it-IT' });
    if (!anonymous) await context.setExtraHTTPHeaders({});
    if (!anonymous) {
      await context.addCookies(cookie.split('; ').map((kv) => {
        const i = kv.indexOf('=');
        return { name: kv.slice(0, i), value: kv.slice(i + 1), url: board.base };
      }));
    }
    const first = await visit(context, board.base, path, READY[name], false);
    const repeat = await visit(context, board.base, path, READY[name], false);
    await context.close();
    // Time to content, throttled, empty cache (best of 3: the machine is shared).
    let shown = Infinity;
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext({ locale: 'it-IT' });
      if (!anonymous) {
        await ctx.addCookies(cookie.split('; ').map((kv) => {
          const j = kv.indexOf('=');
          return { name: kv.slice(0, j), value: kv.slice(j + 1), url: board.base };
        }));
      }
      shown = Math.min(shown, (await visit(ctx, board.base, path, READY[name], true)).shown);
      await ctx.close();
    }
    rows.push({ name, path, first, repeat, shown });
    console.error(name, kb(first.bytes), JSON.stringify(Object.fromEntries(Object.entries(first.byType).map(([k, v]) => [k, kb(v)]))));
  }
  console.log('| page | first visit | requests | repeat visit | requests | shown at 1.6 Mbit/s, 150 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${kb(r.first.bytes)} | ${r.first.requests} | ${kb(r.repeat.bytes)} | ${r.repeat.requests} | ${(r.shown / 1000).toFixed(2)} s |`);
  }
} finally {
  await browser.close();
  await board.stop();
}
