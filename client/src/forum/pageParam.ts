// A forum page's URL parameters, read alike by the page and by main.tsx's
// early request for its data.

/** Page number from ?page=, at least 1. */
export function pageParam(search: string): number {
  const p = Number(new URLSearchParams(search).get('page') ?? '1')
  return Number.isFinite(p) && p >= 1 ? Math.floor(p) : 1
}

/** A thread's view from ?view=: flat, or else the tree. */
export function viewParam(search: string): 'tree' | 'flat' {
  return new URLSearchParams(search).get('view') === 'flat' ? 'flat' : 'tree'
}
