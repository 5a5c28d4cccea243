import { api, ApiError } from '../api/client'
import type { Conflict, Diff, Experience, Fields, History, ListPage } from './model'

export const experiencesApi = {
  list: (query: Record<string, string>, signal?: AbortSignal) => api.get<ListPage>('/experiences', { query, signal }),
  get: (id: string) => api.get<Experience>(`/experiences/${encodeURIComponent(id)}`),
  create: (fields: Fields) => api.post<Experience>('/experiences', { fields }),
  save: (id: string, baseVersion: number, fields: Fields) =>
    api.put<Experience>(`/experiences/${encodeURIComponent(id)}`, { base_version: baseVersion, fields }),
  publish: (id: string, baseVersion: number) => api.post<Experience>(`/experiences/${encodeURIComponent(id)}/publish`, { base_version: baseVersion }),
  history: (id: string) => api.get<History>(`/experiences/${encodeURIComponent(id)}/history`),
  diff: (id: string, from: number, to: number) => api.get<Diff>(`/experiences/${encodeURIComponent(id)}/diff`, { query: { from, to } }),
  addDocument: (id: string, baseVersion: number, fileId: string, tipo: string) =>
    api.post<Experience>(`/experiences/${encodeURIComponent(id)}/documents`, { base_version: baseVersion, file_id: fileId, tipo }),
}

/** The conflict of a refused save (409 experience_version_conflict), if err is one. */
export function conflictOf(err: unknown): Conflict | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null
  const c = (err.body as { conflict?: Conflict } | undefined)?.conflict
  return c && typeof c.current_version === 'number' && Array.isArray(c.changes) ? c : null
}
