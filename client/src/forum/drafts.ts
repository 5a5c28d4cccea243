// Drafts: the browser's copy (localStorage, immediate) and the server's
// (PUT /drafts/:key, debounced by the composer). Requests for one key run in
// order, so a late save never resurrects a draft deleted after a submit.
import { forumApi } from './api'
import type { DraftCopy } from './text'

const PREFIX = 'tavolo.draft.'
const chains = new Map<string, Promise<unknown>>()
const cancels = new Map<string, () => void>()

function storageKey(userId: string, key: string) {
  return `${PREFIX}${userId}.${key}`
}

export function readLocal(userId: string, key: string): DraftCopy | null {
  try {
    const raw = localStorage.getItem(storageKey(userId, key))
    if (!raw) return null
    const d = JSON.parse(raw) as DraftCopy
    return typeof d.body === 'string' && typeof d.updatedAt === 'number' ? d : null
  } catch {
    return null
  }
}

export function writeLocal(userId: string, key: string, body: string) {
  try {
    if (body) localStorage.setItem(storageKey(userId, key), JSON.stringify({ body, updatedAt: Date.now() }))
    else localStorage.removeItem(storageKey(userId, key))
  } catch {
    /* private mode or full: the server copy remains */
  }
}

export function isDraftStorageEvent(e: StorageEvent, userId: string, key: string): boolean {
  return e.key === storageKey(userId, key)
}

/** Runs server calls for one key in order. */
export function chain<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(key) ?? Promise.resolve()
  const next = prev.then(fn, fn)
  chains.set(
    key,
    next.catch(() => undefined),
  )
  return next
}

export async function readServer(key: string): Promise<DraftCopy | null> {
  try {
    const d = await forumApi.draft(key)
    return { body: d.body, updatedAt: d.updated_at ? Date.parse(d.updated_at) || 0 : 0 }
  } catch {
    return null // 404: none
  }
}

export function saveServer(key: string, body: string): Promise<unknown> {
  return chain<unknown>(key, () => (body ? forumApi.saveDraft(key, body) : forumApi.deleteDraft(key)))
}

/** A composer registers how to cancel its pending save. */
export function registerPending(key: string, cancel: (() => void) | null) {
  if (cancel) cancels.set(key, cancel)
  else cancels.delete(key)
}

/** No pending save, no local copy (a composer kept in this browser only: a room's). */
export function clearLocalDraft(userId: string, key: string) {
  cancels.get(key)?.()
  cancels.delete(key)
  writeLocal(userId, key, '')
}

/** After a successful submit: no pending save, no local copy, no server copy. */
export function clearDraft(userId: string, key: string): Promise<unknown> {
  clearLocalDraft(userId, key)
  return chain(key, () => forumApi.deleteDraft(key)).catch(() => undefined)
}
