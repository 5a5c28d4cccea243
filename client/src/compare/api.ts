// Calls of the comparison table's API (/work/wt/COMPARE-API.md, issue 10 items 6–10).
// The shapes follow the contract's schemas (Table, Comparison, RowPrefs, CellComment…).
import { api, API_BASE } from '../api/client'

export type RowKind = 'text' | 'list' | 'money' | 'number' | 'date' | 'bool' | 'score' | 'markdown'

export interface Person {
  id: string
  name: string
  administration_name: string
}

export interface Table {
  id: string
  name: string
  description?: string
  owner: Person
  experiences: string[]
  row_order: string[]
  room_id: string
  version: number
  created_at: string
  updated_at: string
  seq: number
  /** The viewer may change it (owner, moderators, admins). */
  can_edit?: boolean
}

export interface Column {
  id: string
  titolo: string
  administration: { id: string; name: string }
  version: number
  updated_at: string
  thread_id?: string
  seen_version?: number
}

export interface ComparisonCell {
  value: unknown
  display: string
  scale?: number
  outlier?: boolean
  changed?: boolean
  was?: string
}

export interface ComparisonRow {
  field: string
  group: string
  label: string
  kind: RowKind
  hidden: boolean
  differ: boolean
  cells: ComparisonCell[]
}

export interface Comparison {
  columns: Column[]
  groups: { key: string; label: string }[]
  rows: ComparisonRow[]
  seq?: number
}

export interface RowPrefs {
  order: string[]
  hidden: string[]
}

export interface CellComment {
  id: string
  experience_id: string
  field: string
  author: Person
  body_html: string
  created_at: string
  version: number
  value_then: string
  value_now: string
  changed: boolean
}

/** Comments per experience, per field. */
export type CommentCounts = Record<string, Record<string, number>>

export type ExportFormat = 'csv' | 'xlsx'

const e = encodeURIComponent
const table = (id: string) => '/tables/' + e(id)

export const compareApi = {
  adHoc: (ids: string[]) => api.get<Comparison>('/compare', { query: { ids: ids.join(',') } }),
  tables: () => api.get<{ items: Table[] }>('/tables'),
  create: (b: { name: string; description?: string; experiences: string[] }) => api.post<Table>('/tables', b),
  table: (id: string) => api.get<Table>(table(id)),
  patch: (id: string, b: { base_version: number; name?: string; description?: string; experiences?: string[]; row_order?: string[] }) =>
    api.patch<Table>(table(id), b),
  comparison: (id: string) => api.get<Comparison>(table(id) + '/comparison'),
  prefs: (id: string) => api.get<RowPrefs>(table(id) + '/prefs'),
  savePrefs: (id: string, p: RowPrefs) => api.put<RowPrefs>(table(id) + '/prefs', p),
  /** keepalive: it may be sent while the page goes away. */
  seen: (id: string, keepalive = false) => api.post<void>(table(id) + '/seen', undefined, { keepalive }),
  comments: (experienceId: string, field: string) => api.get<{ items: CellComment[] }>('/experiences/' + e(experienceId) + '/comments', { query: { field } }),
  comment: (experienceId: string, field: string, body: string) => api.post<CellComment>('/experiences/' + e(experienceId) + '/comments', { field, body }),
  counts: (ids: string[]) => api.get<{ counts: CommentCounts }>('/experiences/comments/counts', { query: { ids: ids.join(',') } }),
}

/** The download links of an export (a plain GET: the session cookie goes with it). */
export function exportHref(target: { table: string } | { ids: string[] }, format: ExportFormat): string {
  if ('table' in target) return `${API_BASE}${table(target.table)}/export?format=${format}`
  return `${API_BASE}/compare/export?ids=${target.ids.map(e).join(',')}&format=${format}`
}
