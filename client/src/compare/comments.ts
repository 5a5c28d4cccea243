// Cell comments kept in order: a comment from an answer or an event goes in
// once, oldest first.
import type { CellComment, CommentCounts } from './api'

export function mergeComments(list: CellComment[], add: CellComment[]): CellComment[] {
  const byId = new Map(list.map((c) => [c.id, c]))
  for (const c of add) byId.set(c.id, c)
  return [...byId.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1))
}

/** What a moderator's change of a comment does to an open list, for the announcement. */
export type ModerationChange = 'withdrawn' | 'restored' | null

/**
 * A moderator's change (comment.updated, the comment as any reader sees it:
 * no text while hidden) applied to an open list. A reader gets the
 * placeholder at once; its author and moderators (`seesAll`), who read it
 * with the reason, keep theirs until the refetch brings it. A comment not
 * in the list changes nothing.
 */
export function applyModeration(list: CellComment[], c: CellComment, seesAll: boolean): { list: CellComment[]; change: ModerationChange } {
  const prev = list.find((x) => x.id === c.id)
  if (!prev) return { list, change: null }
  const change: ModerationChange = c.moderated && !prev.moderated ? 'withdrawn' : !c.moderated && prev.moderated ? 'restored' : null
  if (c.moderated && seesAll) return { list, change }
  return { list: mergeComments(list, [c]), change }
}

/** The cell a comment is about, as "experience\u0000field". */
export const cellKey = (experience: string, field: string) => experience + '\u0000' + field

/** The total of the counts, for a summary. */
export function totalComments(c: CommentCounts): number {
  let n = 0
  for (const fields of Object.values(c)) for (const v of Object.values(fields)) n += v
  return n
}
