// Read positions: what the reader has seen goes to PUT /threads/:id/read,
// batched. Lists wait for what is still on its way (flushReads) before they
// load, so their unread counts, derived by the server from the stored
// positions, agree with what the thread page showed.
import { forumApi } from './api'

const BATCH_MS = 400
const pending = new Map<string, number>()
const inflight = new Set<Promise<unknown>>()
let timer: number | undefined

/** Records that post n of the thread has been on screen. */
export function reportRead(threadId: string, n: number) {
  if (n <= (pending.get(threadId) ?? 0)) return
  pending.set(threadId, n)
  window.clearTimeout(timer)
  timer = window.setTimeout(() => void flushReads(), BATCH_MS)
}

/**
 * Sends what is pending (keepalive: so that it outlives the page); resolves
 * once every position sent so far is stored (or failed).
 */
export function flushReads(keepalive = false): Promise<void> {
  window.clearTimeout(timer)
  for (const [id, n] of pending) {
    const p: Promise<unknown> = forumApi.markRead(id, n, keepalive).catch(() => undefined)
    inflight.add(p)
    void p.then(() => inflight.delete(p))
  }
  pending.clear()
  return Promise.all([...inflight]).then(() => undefined)
}

// Leaving or reloading the page, or hiding it, sends what was seen at once.
window.addEventListener('pagehide', () => void flushReads(true))
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') void flushReads(true)
})
