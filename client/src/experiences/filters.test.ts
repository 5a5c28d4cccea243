import { describe, expect, it } from 'vitest'
import { activeFilterCount, compareHref, emptyFilters, filtersFromSearch, filtersToParams, filtersToSearch } from './filters'

describe('filters in the URL', () => {
  it('round-trips every filter', () => {
    const f = emptyFilters()
    f.lists.ambito = ['pulizie', 'servizi_ict']
    f.lists.procedura = ['aperta']
    f.lists.regione = ['toscana']
    f.lists.categoria = ['comune']
    f.dal = '2024-01-01'
    f.al = '2025-12-31'
    f.importoMin = '100000'
    f.importoMax = '250000.5'
    f.drafts = true
    f.sort = '-importo'
    f.page = 3
    const s = filtersToSearch(f)
    expect(s).toBe(
      '?ambito=pulizie,servizi_ict&procedura=aperta&regione=toscana&categoria=comune&dal=2024-01-01&al=2025-12-31&importo_min=100000&importo_max=250000.5&stato=bozze&sort=-importo&page=3',
    )
    expect(filtersFromSearch(s)).toEqual(f)
    expect(activeFilterCount(f)).toBe(9)
  })

  it('leaves defaults out', () => {
    expect(filtersToSearch(emptyFilters())).toBe('')
    expect(filtersToParams(filtersFromSearch('?page=1&sort=-aggiornamento'))).toEqual({})
  })

  const dropped: [string, string][] = [
    ['?dal=01/02/2024', 'a date not yyyy-mm-dd'],
    ['?importo_min=1.234,56', 'an amount not in API form'],
    ['?importo_max=-5', 'a negative amount'],
    ['?sort=random', 'an unknown sort'],
    ['?page=0', 'page 0'],
    ['?page=abc', 'a page that is no number'],
    ['?ambito=%24gt', 'an operator'],
    ['?stato=tutte', 'an unknown state'],
  ]
  for (const [search, what] of dropped) {
    it(`drops ${what}`, () => expect(filtersFromSearch(search)).toEqual(emptyFilters()))
  }

  it('keeps each value once', () => {
    expect(filtersFromSearch('?esito=in_esecuzione,in_esecuzione').lists.esito).toEqual(['in_esecuzione'])
  })
})

describe('compareHref', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => 'id' + i)
  const cases: [number, string | null][] = [
    [0, null],
    [1, null],
    [2, '/confronto?ids=id0,id1'],
    [12, '/confronto?ids=' + ids(12).join(',')],
    [13, null],
  ]
  for (const [n, want] of cases) it(`${n} selected -> ${want}`, () => expect(compareHref(ids(n))).toBe(want))
})
