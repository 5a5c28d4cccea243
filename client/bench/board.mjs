// Shared by the page benchmarks: a demo board (the e2e harness's real binary,
// fresh data directory, TAVOLO_DEMO) and a logged-in demo participant.
import { startBoard } from '../e2e/harness.mjs';

export const DEMO_USER = { email: 'giulia.bianchi@example.org', password: 'tavolo-demo-2026' };

/**
 * Starts a demo board, logs DEMO_USER in over the API and picks the pages
 * to measure. Returns {board, cookie, pages: {home, login, category, thread, search}}.
 */
export async function demoBoard() {
  const board = await startBoard({ TAVOLO_DEMO: 'true', TAVOLO_LOG_LEVEL: 'warn' });
  const jar = new Map();
  const remember = (r) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const call = async (method, url, body) => {
    const r = await fetch(board.base + url, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': jar.get('tavolo_csrf') ?? '', Cookie: cookie() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    remember(r);
    if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  await call('GET', '/api/v1/session');
  await call('POST', '/api/v1/session', DEMO_USER);
  const cats = await call('GET', '/api/v1/categories');
  const latest = await call('GET', '/api/v1/threads');
  // The thread with the most replies: the heaviest ordinary page.
  const thread = latest.items.reduce((a, b) => (b.reply_count > a.reply_count ? b : a));
  return {
    board,
    cookie: cookie(),
    pages: {
      home: '/',
      login: '/login',
      category: `/forum/c/${cats[0].id}`,
      thread: `/forum/t/${thread.id}`,
      search: '/cerca?q=' + encodeURIComponent('contratto'),
    },
  };
}
