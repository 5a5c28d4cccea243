// Calls of the comparison table's API (/work/wt/COMPARE-API.md, issue 10 items 6–10).
import { api, API_BASE } from '../api/client'
import type { components } from '../api/schema'
import { applyMarks } from './rows'

// The shapes come from the API's contract (server/internal/web/openapi/openapi.yaml),
// generated into ../api/schema.d.ts by `make api-types`.
type Schemas = components['schemas']

export type Table = Schemas['Table']
export type Person = Table['owner']
export type Comparison = Schemas['Comparison']
export type Column = Comparison['columns'][number]
export type ComparisonRow = Schemas['ComparisonRow']
export type ComparisonCell = Schemas['ComparisonCell']
export type RowKind = ComparisonRow['kind']
export type RowPrefs = Schemas['RowPrefs']
export type CellComment = Schemas['CellComment']
/** Comments per experience, per field. */
export type CommentCounts = Schemas['CommentCounts']['counts']

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
  /** The viewer's comparison: the shared part with their marks applied. */
  comparison: (id: string) => api.get<Comparison>(table(id) + '/comparison').then(applyMarks),
  prefs: (id: string) => api.get<RowPrefs>(table(id) + '/prefs'),
  savePrefs: (id: string, p: RowPrefs) => api.put<RowPrefs>(table(id) + '/prefs', p),
  seen: (id: string) => api.post<void>(table(id) + '/seen'),
  comments: (experienceId: string, field: string) => api.get<{ items: CellComment[] }>('/experiences/' + e(experienceId) + '/comments', { query: { field } }),
  comment: (experienceId: string, field: string, body: string) => api.post<CellComment>('/experiences/' + e(experienceId) + '/comments', { field, body }),
  counts: (ids: string[]) => api.get<{ counts: CommentCounts }>('/experiences/comments/counts', { query: { ids: ids.join(',') } }),
}

/** The download links of an export (a plain GET: the session cookie goes with it). */
export function exportHref(target: { table: string } | { ids: string[] }, format: ExportFormat): string {
  if ('table' in target) return `${API_BASE}${table(target.table)}/export?format=${format}`
  return `${API_BASE}/compare/export?ids=${target.ids.map(e).join(',')}&format=${format}`
}
