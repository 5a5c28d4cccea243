// The comparison table's pure logic: which rows show and in what order
// (the viewer's order and hidden rows, "only rows that differ"), moving a
// row, who looks at which row, and what a refetch changed.
import type { Comparison, ComparisonRow } from './api'

/**
 * A saved table's comparison as its viewer sees it: the part every viewer
 * shares (rows in the table's order, no marks) with this viewer's marks
 * from the server (their order and hidden rows, the versions they last saw,
 * the cells changed since) applied, as the server's compare.Apply does. A
 * comparison without marks (ad hoc) is returned as it is.
 */
export function applyMarks(c: Comparison): Comparison {
  const m = c.marks
  if (!m) return c
  const seen = m.seen ?? {}
  const columns = c.columns.map((col) => (col.id in seen ? { ...col, seen_version: seen[col.id] } : col))
  const hidden = new Set(m.hidden)
  const changed = new Map(m.changed.map((ch) => [ch.id + '\u0000' + ch.field, ch.was]))
  const rows = orderRows(c.rows, m.order).map((r) => ({
    ...r,
    hidden: hidden.has(r.field),
    cells: r.cells.map((cell, i) => {
      const was = changed.get(columns[i]?.id + '\u0000' + r.field)
      return was === undefined ? cell : { ...cell, changed: true, was }
    }),
  }))
  const out: Comparison = { columns, groups: c.groups, rows }
  if (m.seq !== undefined) out.seq = m.seq
  return out
}

/** A comparison has 2 to 12 columns. */
export const MIN_COLUMNS = 2
export const MAX_COLUMNS = 12

/** The ids of ?ids=a,b,c: trimmed, without blanks and repeats, in order. */
export function parseIds(q: string | null): string[] {
  return [...new Set((q ?? '').split(',').map((s) => s.trim()).filter(Boolean))]
}

export interface View {
  /** Fields in the viewer's order (every row's field once). */
  order: string[]
  hidden: ReadonlySet<string>
  onlyDiffer: boolean
  showHidden: boolean
}

export interface RowGroup {
  key: string
  label: string
  rows: ComparisonRow[]
}

/** The view a comparison arrives with: its rows' order and hidden flags. */
export function initialView(c: Comparison): Pick<View, 'order' | 'hidden'> {
  return { order: c.rows.map((r) => r.field), hidden: new Set(c.rows.filter((r) => r.hidden).map((r) => r.field)) }
}

/**
 * The rows in order (fields missing from order go after, in the
 * comparison's order; unknown ones are ignored).
 */
export function orderRows(rows: ComparisonRow[], order: readonly string[]): ComparisonRow[] {
  const pos = new Map(order.map((f, i) => [f, i]))
  const at = (r: ComparisonRow, i: number) => pos.get(r.field) ?? order.length + i
  return rows
    .map((r, i) => [r, at(r, i)] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([r]) => r)
}

/** The groups to show, in the comparison's group order, each with its rows to show; empty groups left out. */
export function visibleGroups(c: Comparison, v: View): RowGroup[] {
  const rows = orderRows(c.rows, v.order).filter((r) => (v.showHidden || !v.hidden.has(r.field)) && (!v.onlyDiffer || r.differ))
  const out: RowGroup[] = []
  for (const g of c.groups) {
    const rs = rows.filter((r) => r.group === g.key)
    if (rs.length) out.push({ key: g.key, label: g.label, rows: rs })
  }
  return out
}

/** All the rows of each group in the viewer's order (the rows panel lists hidden ones too). */
export function allGroups(c: Comparison, order: readonly string[]): RowGroup[] {
  return visibleGroups(c, { order: [...order], hidden: new Set(), onlyDiffer: false, showHidden: true })
}

/**
 * The order with field swapped with its neighbour of the same group (up:
 * the one before). Unchanged at the group's edge. The whole order is
 * returned, every row included, so that it can be saved as it is.
 */
export function moveRow(c: Comparison, order: readonly string[], field: string, dir: 'up' | 'down'): string[] {
  const rows = orderRows(c.rows, order)
  const full = rows.map((r) => r.field)
  const i = full.indexOf(field)
  if (i < 0) return full
  const group = rows[i].group
  const step = dir === 'up' ? -1 : 1
  let j = i + step
  while (j >= 0 && j < rows.length && rows[j].group !== group) j += step
  if (j < 0 || j >= rows.length) return full
  ;[full[i], full[j]] = [full[j], full[i]]
  return full
}

/** Whether field can move up/down within its group. */
export function canMove(c: Comparison, order: readonly string[], field: string): { up: boolean; down: boolean } {
  const rows = orderRows(c.rows, order).filter((r) => r.group === c.rows.find((x) => x.field === field)?.group)
  const i = rows.findIndex((r) => r.field === field)
  return { up: i > 0, down: i >= 0 && i < rows.length - 1 }
}

export function toggle(set: ReadonlySet<string>, field: string): Set<string> {
  const out = new Set(set)
  if (out.has(field)) out.delete(field)
  else out.add(field)
  return out
}

/** How many cells are marked changed since the viewer last looked. */
export function changedCount(c: Comparison): number {
  let n = 0
  for (const r of c.rows) for (const cell of r.cells) if (cell.changed) n++
  return n
}

export interface CellChange {
  field: string
  label: string
  column: string
  titolo: string
  before: string
  after: string
}

/** The cells whose display differs between two fetches of the same comparison (same column ids). */
export function liveChanges(old: Comparison, fresh: Comparison): CellChange[] {
  const oldCol = new Map(old.columns.map((c, i) => [c.id, i]))
  const oldRow = new Map(old.rows.map((r) => [r.field, r]))
  const out: CellChange[] = []
  for (const r of fresh.rows) {
    const o = oldRow.get(r.field)
    if (!o) continue
    fresh.columns.forEach((col, i) => {
      const j = oldCol.get(col.id)
      if (j === undefined) return
      const before = o.cells[j]?.display ?? ''
      const after = r.cells[i]?.display ?? ''
      if (before !== after) out.push({ field: r.field, label: r.label, column: col.id, titolo: col.titolo, before, after })
    })
  }
  return out
}

/** The ids of the columns added and removed between two fetches. */
export function columnChanges(old: Comparison, fresh: Comparison): { added: string[]; removed: string[] } {
  const o = new Set(old.columns.map((c) => c.id))
  const n = new Set(fresh.columns.map((c) => c.id))
  return { added: [...n].filter((id) => !o.has(id)), removed: [...o].filter((id) => !n.has(id)) }
}

/**
 * A fresh fetch that reuses the old rows where nothing in them changed, so
 * that memoised rows do not render again (and nothing moves under the reader).
 */
export function mergeComparison(old: Comparison | null, fresh: Comparison): Comparison {
  if (!old || old.columns.length !== fresh.columns.length || old.columns.some((c, i) => c.id !== fresh.columns[i].id)) return fresh
  const byField = new Map(old.rows.map((r) => [r.field, r]))
  const rows = fresh.rows.map((r) => {
    const o = byField.get(r.field)
    return o && sameRow(o, r) ? o : r
  })
  return { ...fresh, rows }
}

function sameRow(a: ComparisonRow, b: ComparisonRow): boolean {
  if (a.label !== b.label || a.group !== b.group || a.kind !== b.kind || a.hidden !== b.hidden || a.differ !== b.differ || a.cells.length !== b.cells.length) return false
  return a.cells.every((c, i) => {
    const d = b.cells[i]
    return c.display === d.display && c.scale === d.scale && !!c.outlier === !!d.outlier && !!c.changed === !!d.changed && c.was === d.was
  })
}

/** Topics a table viewer follows: the table, then each column's record. */
export function topicsFor(tableId: string | null, c: Comparison | null): string[] {
  const out = tableId ? ['table:' + tableId] : []
  for (const col of c?.columns ?? []) out.push('experience:' + col.id)
  return out
}

// ---- presence: who looks at which row ------------------------------------

export type FocusMap = Readonly<Record<string, string | null>>

/** focus with user's row set (null: on no row). */
export function setFocus(focus: FocusMap, user: string, row: string | null): FocusMap {
  if ((focus[user] ?? null) === row) return focus
  return { ...focus, [user]: row }
}

/** focus without the people no longer present. */
export function pruneFocus(focus: FocusMap, present: readonly string[]): FocusMap {
  const keep = new Set(present)
  if (Object.keys(focus).every((u) => keep.has(u))) return focus
  const out: Record<string, string | null> = {}
  for (const [u, r] of Object.entries(focus)) if (keep.has(u)) out[u] = r
  return out
}

/** The names of the others on each row. */
export function viewersByRow(focus: FocusMap, people: readonly { id: string; name: string }[], self: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const p of people) {
    const row = focus[p.id]
    if (p.id === self || !row) continue
    out.set(row, [...(out.get(row) ?? []), p.name])
  }
  return out
}

/** People present now who were not in before (the client sends its focus again for them). */
export function newcomers(before: readonly string[], now: readonly string[]): string[] {
  const b = new Set(before)
  return now.filter((id) => !b.has(id))
}

/**
 * The hub relays one focus per person per second and drops the extras:
 * the client waits a little longer so that network jitter never makes its
 * next focus arrive early (and be dropped).
 */
export const FOCUS_EVERY_MS = 1200

/**
 * Sends the reader's row at most once per interval: the first change at
 * once, the later ones (the last wins) when the interval is over; the same
 * row twice is sent once, and "on no row" is not said before a row was.
 */
export class FocusSender {
  private last = -Infinity
  private sent: string | null | undefined = null
  private wanted: string | null = null
  private timer: unknown = null

  constructor(
    private send: (row: string | null) => void,
    private interval = FOCUS_EVERY_MS,
    private now: () => number = () => Date.now(),
    private schedule: (fn: () => void, ms: number) => unknown = (fn, ms) => setTimeout(fn, ms),
    private cancel: (h: unknown) => void = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  ) {}

  want(row: string | null) {
    this.wanted = row
    if (this.timer !== null) return
    const wait = this.last + this.interval - this.now()
    if (wait <= 0) this.flush()
    else this.timer = this.schedule(() => {
      this.timer = null
      this.flush()
    }, wait)
  }

  /** Sends the current row again (someone new came in). */
  resend() {
    if (this.wanted === null) return
    this.sent = undefined
    this.want(this.wanted)
  }

  stop() {
    if (this.timer !== null) this.cancel(this.timer)
    this.timer = null
  }

  private flush() {
    if (this.wanted === this.sent) return
    this.sent = this.wanted
    this.last = this.now()
    this.send(this.wanted)
  }
}
