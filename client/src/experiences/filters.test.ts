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

  // Several values of each list filter: a comma list, the parameter
  // repeated, or both; repeats and malformed values dropped; written back
  // as one comma list (the shareable form).
  const several: { name: string; search: string; want: Partial<Record<string, string[]>>; back: string }[] = [
    { name: 'a comma list', search: '?ambito=pulizie,servizi_ict', want: { ambito: ['pulizie', 'servizi_ict'] }, back: '?ambito=pulizie,servizi_ict' },
    { name: 'repeated', search: '?modello=in_house&modello=concessione', want: { modello: ['in_house', 'concessione'] }, back: '?modello=in_house,concessione' },
    { name: 'both', search: '?esito=a_b&esito=c,d', want: { esito: ['a_b', 'c', 'd'] }, back: '?esito=a_b,c,d' },
    { name: 'repeats dropped', search: '?regione=lazio&regione=lazio,puglia', want: { regione: ['lazio', 'puglia'] }, back: '?regione=lazio,puglia' },
    { name: 'empty and malformed dropped', search: '?categoria=&categoria=comune&categoria=%24gt', want: { categoria: ['comune'] }, back: '?categoria=comune' },
    {
      name: 'every filter at once',
      search: '?ambito=pulizie&ambito=mense&modello=in_house&procedura=aperta,mepa&esito=x&regione=lazio&categoria=asl,comune',
      want: { ambito: ['pulizie', 'mense'], modello: ['in_house'], procedura: ['aperta', 'mepa'], esito: ['x'], regione: ['lazio'], categoria: ['asl', 'comune'] },
      back: '?ambito=pulizie,mense&modello=in_house&procedura=aperta,mepa&esito=x&regione=lazio&categoria=asl,comune',
    },
  ]
  for (const tc of several) {
    it(`several values: ${tc.name}`, () => {
      const f = filtersFromSearch(tc.search)
      const want = emptyFilters()
      Object.assign(want.lists, tc.want)
      expect(f.lists).toEqual(want.lists)
      expect(filtersToSearch(f)).toBe(tc.back)
    })
  }

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
