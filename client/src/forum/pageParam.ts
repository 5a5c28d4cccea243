/** Page number from ?page=, at least 1. */
export function pageParam(search: string): number {
  const p = Number(new URLSearchParams(search).get('page') ?? '1')
  return Number.isFinite(p) && p >= 1 ? Math.floor(p) : 1
}
