// The list's filters live in the URL (shareable, the back button works):
// the same names and values as GET /experiences takes, so a link is also
// the API query.

export const LIST_FILTERS = ['ambito', 'modello', 'procedura', 'esito', 'regione', 'categoria'] as const
export type ListFilter = (typeof LIST_FILTERS)[number]

export const SORTS = ['-aggiornamento', 'aggiornamento', 'titolo', '-titolo', '-importo', 'importo', '-data', 'data'] as const
export type Sort = (typeof SORTS)[number]
export const DEFAULT_SORT: Sort = '-aggiornamento'

export interface Filters {
  lists: Record<ListFilter, string[]>
  /** Award (else decision) date bounds, yyyy-mm-dd. */
  dal: string
  al: string
  /** Amount bounds as the API writes them (euro, "." for decimals). */
  importoMin: string
  importoMax: string
  drafts: boolean
  sort: Sort
  page: number
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const AMOUNT = /^\d{1,15}(\.\d{1,2})?$/

export function emptyFilters(): Filters {
  return {
    lists: { ambito: [], modello: [], procedura: [], esito: [], regione: [], categoria: [] },
    dal: '',
    al: '',
    importoMin: '',
    importoMax: '',
    drafts: false,
    sort: DEFAULT_SORT,
    page: 1,
  }
}

/**
 * Filters from a location's search. Values that could not be right (a
 * malformed date or amount, an unknown sort) are dropped rather than sent:
 * a hand-edited link still opens a list.
 */
export function filtersFromSearch(search: string): Filters {
  const q = new URLSearchParams(search)
  const f = emptyFilters()
  for (const k of LIST_FILTERS) {
    // Several values: a comma list or the parameter repeated, as the API takes them.
    const vals = q.getAll(k).flatMap((raw) => raw.split(','))
    f.lists[k] = [...new Set(vals.filter((v) => /^[a-z0-9_]{1,60}$/.test(v)))]
  }
  const dal = q.get('dal') ?? ''
  const al = q.get('al') ?? ''
  if (DAY.test(dal)) f.dal = dal
  if (DAY.test(al)) f.al = al
  const min = q.get('importo_min') ?? ''
  const max = q.get('importo_max') ?? ''
  if (AMOUNT.test(min)) f.importoMin = min
  if (AMOUNT.test(max)) f.importoMax = max
  f.drafts = q.get('stato') === 'bozze'
  const sort = q.get('sort') ?? ''
  if ((SORTS as readonly string[]).includes(sort)) f.sort = sort as Sort
  const page = Number(q.get('page') ?? '1')
  f.page = Number.isInteger(page) && page >= 1 && page <= 100000 ? page : 1
  return f
}

/** The query parameters of filters, defaults left out; the API takes them as they are. */
export function filtersToParams(f: Filters): Record<string, string> {
  const p: Record<string, string> = {}
  for (const k of LIST_FILTERS) if (f.lists[k].length > 0) p[k] = f.lists[k].join(',')
  if (f.dal) p.dal = f.dal
  if (f.al) p.al = f.al
  if (f.importoMin) p.importo_min = f.importoMin
  if (f.importoMax) p.importo_max = f.importoMax
  if (f.drafts) p.stato = 'bozze'
  if (f.sort !== DEFAULT_SORT) p.sort = f.sort
  if (f.page > 1) p.page = String(f.page)
  return p
}

/** "?ambito=pulizie&sort=titolo", or "" with no filters. */
export function filtersToSearch(f: Filters): string {
  const s = new URLSearchParams(filtersToParams(f)).toString().replace(/%2C/g, ',')
  return s ? '?' + s : ''
}

/** How many filters are set (sort and page are not filters). */
export function activeFilterCount(f: Filters): number {
  return (
    LIST_FILTERS.filter((k) => f.lists[k].length > 0).length +
    [f.dal, f.al, f.importoMin, f.importoMax].filter(Boolean).length +
    (f.drafts ? 1 : 0)
  )
}

export const MIN_COMPARE = 2
export const MAX_COMPARE = 12

/** The comparison's link for a selection, or null when it has too few or too many records. */
export function compareHref(ids: string[]): string | null {
  if (ids.length < MIN_COMPARE || ids.length > MAX_COMPARE) return null
  return '/confronto?ids=' + ids.map(encodeURIComponent).join(',')
}
