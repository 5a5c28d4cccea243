// Cell comments kept in order: a comment from an answer or an event goes in
// once, oldest first.
import type { CellComment, CommentCounts } from './api'

export function mergeComments(list: CellComment[], add: CellComment[]): CellComment[] {
  const byId = new Map(list.map((c) => [c.id, c]))
  for (const c of add) byId.set(c.id, c)
  return [...byId.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1))
}

/** The cell a comment is about, as "experience\u0000field". */
export const cellKey = (experience: string, field: string) => experience + '\u0000' + field

/** The total of the counts, for a summary. */
export function totalComments(c: CommentCounts): number {
  let n = 0
  for (const fields of Object.values(c)) for (const v of Object.values(fields)) n += v
  return n
}
