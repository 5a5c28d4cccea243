import { api } from '../api/client'
import type { components } from '../api/schema'

type Schemas = components['schemas']
export type ReportReason = Schemas['ReportReason']
export type QueueItem = Schemas['ModerationItem']
export type QueuePage = Schemas['ModerationQueuePage']
export type ModAction = 'dismiss' | 'hide' | 'restore' | 'delete' | 'warn'
export interface ActResult {
  done: string[]
  skipped: { id: string; code: string }[]
}

/** The reasons a report may give, in the order shown. */
export const REPORT_REASONS: readonly ReportReason[] = ['off_topic', 'inappropriate', 'duplicate', 'personal_data', 'spam', 'other']

/** The queue's filters; empty strings are "any". */
export interface QueueFilters {
  state: 'reported' | 'hidden'
  kind: string
  reason: string
  sort: 'newest' | 'most_reported'
  offset: number
}

export const PAGE_SIZE = 20

export const moderationApi = {
  report: (kind: string, id: string, reason: ReportReason, text: string) =>
    api.post<void>('/moderation/reports', text ? { kind, id, reason, text } : { kind, id, reason }),
  queue: (f: QueueFilters) =>
    api.get<QueuePage>('/moderation/queue', {
      query: { state: f.state, kind: f.kind || undefined, reason: f.reason || undefined, sort: f.sort, offset: f.offset || undefined, limit: PAGE_SIZE },
    }),
  act: (action: ModAction, ids: string[], reason: string) => api.post<ActResult>('/moderation/actions', { action, ids, reason }),
}

/** The actions offered on an item in a tab. */
export function actionsFor(state: QueueFilters['state']): ModAction[] {
  return state === 'hidden' ? ['restore', 'delete', 'warn', 'dismiss'] : ['hide', 'dismiss', 'delete', 'warn']
}

/** The selection kept over a reload: only the ids still on the page. */
export function keepSelected(selected: ReadonlySet<string>, page: QueuePage): Set<string> {
  const on = new Set(page.items.map((i) => i.id))
  return new Set([...selected].filter((id) => on.has(id)))
}
