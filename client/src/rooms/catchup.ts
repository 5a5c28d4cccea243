// Catch-up after a reconnect or a reset: the missed messages are paged
// forward over HTTP (?after=) until the server says there are no more, so
// nothing is lost however long the gap (pure; see catchup.test.ts).
import type { Message, MessagePage } from './api'

/** Upper bound on pages in one catch-up (100 × 100 messages); the next reconnect continues. */
export const MAX_CATCHUP_PAGES = 100

/**
 * Pages forward from after (the newest seq held): calls onPage with each
 * page's messages in order and resolves to the realtime topic's seq of the
 * last page (the seq to resume live events from) and the newest seq seen.
 */
export async function catchUp(
  fetchAfter: (after: number) => Promise<MessagePage>,
  after: number,
  onPage: (messages: Message[]) => void,
  maxPages = MAX_CATCHUP_PAGES,
): Promise<{ seq: number; after: number; pages: number }> {
  let seq = 0
  let pages = 0
  for (;;) {
    const p = await fetchAfter(after)
    pages++
    seq = Math.max(seq, p.seq)
    const fresh = p.messages.filter((m) => m.seq > after)
    if (fresh.length) onPage(fresh)
    const next = fresh.length ? fresh[fresh.length - 1].seq : after
    // No progress means nothing more to get, whatever has_more says.
    if (!p.has_more || next <= after || pages >= maxPages) return { seq, after: next, pages }
    after = next
  }
}

/**
 * Wraps an async job so that calls while it runs do not start a second
 * copy: they are folded into one more run after the current one (a
 * reconnect during a catch-up may have missed what that run already
 * fetched). Every caller's promise resolves when a run that started after
 * its call has finished.
 */
export function singleFlight<T>(job: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null
  let again: Promise<T> | null = null
  const run = (): Promise<T> => {
    const p = job().finally(() => {
      if (running === p) running = null
    })
    running = p
    return p
  }
  return () => {
    if (!running) return run()
    if (!again) {
      again = running.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        again = null
        return run()
      })
    }
    return again
  }
}
