import { describe, expect, it, vi } from 'vitest'
import { comparison } from './testdata'
import type { Comparison } from './api'
import {
  applyMarks,
  FOCUS_EVERY_MS,
  FocusSender,
  allGroups,
  canMove,
  changedCount,
  columnChanges,
  initialView,
  liveChanges,
  mergeComparison,
  moveRow,
  newcomers,
  orderRows,
  parseIds,
  pruneFocus,
  setFocus,
  toggle,
  topicsFor,
  viewersByRow,
  visibleGroups,
  type View,
} from './rows'

const fields = (gs: { key: string; rows: { field: string }[] }[]) => gs.map((g) => `${g.key}:${g.rows.map((r) => r.field).join(',')}`)

describe('orderRows', () => {
  const c = comparison()
  const cases: { name: string; order: string[]; want: string[] }[] = [
    { name: 'the comparison order', order: c.rows.map((r) => r.field), want: ['modello', 'procedura', 'criterio', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'] },
    { name: 'missing fields go after, in the comparison order', order: ['criterio', 'modello'], want: ['criterio', 'modello', 'procedura', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'] },
    { name: 'unknown fields ignored', order: ['nope', 'delta_costo_pct'], want: ['delta_costo_pct', 'modello', 'procedura', 'criterio', 'importo_aggiudicato_eur', 'durata_mesi'] },
    { name: 'empty order', order: [], want: ['modello', 'procedura', 'criterio', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'] },
  ]
  for (const tc of cases) {
    it(tc.name, () => expect(orderRows(c.rows, tc.order).map((r) => r.field)).toEqual(tc.want))
  }
})

describe('visibleGroups', () => {
  const c = comparison()
  const base = initialView(c)
  const cases: { name: string; view: Partial<View>; want: string[] }[] = [
    { name: 'hidden rows left out', view: {}, want: ['modello:modello', 'award:procedura,criterio,importo_aggiudicato_eur', 'monitoring:delta_costo_pct'] },
    { name: 'hidden rows shown on request', view: { showHidden: true }, want: ['modello:modello', 'award:procedura,criterio,importo_aggiudicato_eur,durata_mesi', 'monitoring:delta_costo_pct'] },
    { name: 'only rows that differ', view: { onlyDiffer: true }, want: ['modello:modello', 'award:criterio,importo_aggiudicato_eur', 'monitoring:delta_costo_pct'] },
    { name: 'only differ with hidden shown: an equal hidden row stays out', view: { onlyDiffer: true, showHidden: true }, want: ['modello:modello', 'award:criterio,importo_aggiudicato_eur', 'monitoring:delta_costo_pct'] },
    { name: 'a group with every row hidden is left out', view: { hidden: new Set(['modello', 'durata_mesi']) }, want: ['award:procedura,criterio,importo_aggiudicato_eur', 'monitoring:delta_costo_pct'] },
    { name: 'the viewer order within a group', view: { order: ['importo_aggiudicato_eur', 'criterio'] }, want: ['modello:modello', 'award:importo_aggiudicato_eur,criterio,procedura', 'monitoring:delta_costo_pct'] },
  ]
  for (const tc of cases) {
    it(tc.name, () => {
      const v: View = { order: base.order, hidden: base.hidden, onlyDiffer: false, showHidden: false, ...tc.view }
      expect(fields(visibleGroups(c, v))).toEqual(tc.want)
    })
  }
  it('the hidden flags of the comparison make the initial view', () => expect([...base.hidden]).toEqual(['durata_mesi']))
  it('allGroups lists every row', () => expect(allGroups(c, base.order).flatMap((g) => g.rows).length).toBe(c.rows.length))
})

describe('moveRow', () => {
  const c = comparison()
  const order = c.rows.map((r) => r.field)
  const cases: { name: string; field: string; dir: 'up' | 'down'; want: string[] }[] = [
    { name: 'down within the group', field: 'procedura', dir: 'down', want: ['modello', 'criterio', 'procedura', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'] },
    { name: 'up within the group', field: 'importo_aggiudicato_eur', dir: 'up', want: ['modello', 'procedura', 'importo_aggiudicato_eur', 'criterio', 'durata_mesi', 'delta_costo_pct'] },
    { name: 'up at the top of its group: unchanged', field: 'procedura', dir: 'up', want: order },
    { name: 'down at the end of its group: unchanged', field: 'durata_mesi', dir: 'down', want: order },
    { name: 'alone in its group: unchanged', field: 'modello', dir: 'down', want: order },
    { name: 'unknown field: unchanged', field: 'nope', dir: 'up', want: order },
  ]
  for (const tc of cases) it(tc.name, () => expect(moveRow(c, order, tc.field, tc.dir)).toEqual(tc.want))

  it('canMove says the same as moveRow', () => {
    for (const f of order) {
      for (const dir of ['up', 'down'] as const) {
        const moved = moveRow(c, order, f, dir).join() !== order.join()
        expect(canMove(c, order, f)[dir], `${f} ${dir}`).toBe(moved)
      }
    }
  })
  it('a partial order comes back whole', () => {
    const got = moveRow(c, ['criterio'], 'criterio', 'down')
    expect(got).toEqual(['procedura', 'modello', 'criterio', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'])
    expect(fields(allGroups(c, got))).toEqual(['modello:modello', 'award:procedura,criterio,importo_aggiudicato_eur,durata_mesi', 'monitoring:delta_costo_pct'])
  })
})

describe('toggle', () => {
  it('adds and removes', () => {
    const s = toggle(new Set(['a']), 'b')
    expect([...s].sort()).toEqual(['a', 'b'])
    expect([...toggle(s, 'a')]).toEqual(['b'])
  })
})

describe('live merge', () => {
  it('changedCount counts the marked cells', () => {
    const c = comparison()
    expect(changedCount(c)).toBe(0)
    c.rows[1].cells[2] = { ...c.rows[1].cells[2], changed: true, was: 'Ristretta' }
    c.rows[2].cells[0] = { ...c.rows[2].cells[0], changed: true, was: 'Minor prezzo' }
    expect(changedCount(c)).toBe(2)
  })

  it('liveChanges names the cells whose display changed', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.rows[1].cells[2] = { value: 'ristretta', display: 'Ristretta', changed: true, was: 'Aperta' }
    expect(liveChanges(old, fresh)).toEqual([{ field: 'procedura', label: 'procedura', column: 'c', titolo: 'Pulizie', before: 'Aperta', after: 'Ristretta' }])
  })

  it('liveChanges follows columns by id when they move', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.columns.reverse()
    for (const r of fresh.rows) r.cells.reverse()
    expect(liveChanges(old, fresh)).toEqual([])
  })

  it('columnChanges', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.columns = [fresh.columns[0], fresh.columns[1], { ...fresh.columns[2], id: 'd' }]
    expect(columnChanges(old, fresh)).toEqual({ added: ['d'], removed: ['c'] })
  })

  it('mergeComparison keeps the rows that did not change', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.rows[1].cells[2] = { value: 'ristretta', display: 'Ristretta', changed: true, was: 'Aperta' }
    const m = mergeComparison(old, fresh)
    const same = m.rows.map((r, i) => r === old.rows[i])
    expect(same).toEqual([true, false, true, true, true, true])
    expect(m.rows[1].cells[2].display).toBe('Ristretta')
    expect(m.seq).toBe(fresh.seq)
  })

  it('mergeComparison takes the fresh one whole when the columns changed', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.columns.pop()
    for (const r of fresh.rows) r.cells.pop()
    const m = mergeComparison(old, fresh)
    expect(m.rows.some((r, i) => r === old.rows[i])).toBe(false)
  })

  it('a change of the changed mark alone is a change', () => {
    const old = comparison()
    const fresh = comparison()
    fresh.rows[0].cells[0] = { ...fresh.rows[0].cells[0], changed: true, was: 'In house' }
    expect(mergeComparison(old, fresh).rows[0]).not.toBe(old.rows[0])
  })

  it('topicsFor: the table, then every column', () => {
    expect(topicsFor('t1', comparison())).toEqual(['table:t1', 'experience:a', 'experience:b', 'experience:c'])
    expect(topicsFor(null, comparison())).toEqual(['experience:a', 'experience:b', 'experience:c'])
    expect(topicsFor('t1', null)).toEqual(['table:t1'])
  })
})

describe('presence', () => {
  const people = [
    { id: 'me', name: 'Io' },
    { id: 'u1', name: 'Anna' },
    { id: 'u2', name: 'Marco' },
    { id: 'u3', name: 'Lia' },
  ]
  it('viewersByRow groups the others by row, without me and people on no row', () => {
    let f = setFocus({}, 'me', 'modello')
    f = setFocus(f, 'u1', 'modello')
    f = setFocus(f, 'u2', 'criterio')
    f = setFocus(f, 'u3', null)
    expect(Object.fromEntries(viewersByRow(f, people, 'me'))).toEqual({ modello: ['Anna'], criterio: ['Marco'] })
  })
  it('setFocus with the same row returns the same map', () => {
    const f = setFocus({}, 'u1', 'a')
    expect(setFocus(f, 'u1', 'a')).toBe(f)
  })
  it('pruneFocus drops who left', () => {
    const f = setFocus(setFocus({}, 'u1', 'a'), 'u2', 'b')
    expect(pruneFocus(f, ['u2'])).toEqual({ u2: 'b' })
    expect(pruneFocus(f, ['u1', 'u2'])).toBe(f)
  })
  it('newcomers', () => expect(newcomers(['a', 'b'], ['b', 'c', 'd'])).toEqual(['c', 'd']))
})

describe('FocusSender', () => {
  const make = () => {
    vi.useFakeTimers()
    const sent: (string | null)[] = []
    const s = new FocusSender((r) => sent.push(r), 1000)
    return { s, sent }
  }
  it('sends the first at once and the last of a burst after a second', () => {
    const { s, sent } = make()
    s.want('a')
    s.want('b')
    s.want('c')
    expect(sent).toEqual(['a'])
    vi.advanceTimersByTime(999)
    expect(sent).toEqual(['a'])
    vi.advanceTimersByTime(1)
    expect(sent).toEqual(['a', 'c'])
    vi.useRealTimers()
  })
  it('never more than one per second', () => {
    const { s, sent } = make()
    const times: number[] = []
    const start = Date.now()
    const orig = sent.push.bind(sent)
    sent.push = (...xs) => {
      times.push(Date.now() - start)
      return orig(...xs)
    }
    for (let i = 0; i < 50; i++) {
      s.want('r' + i)
      vi.advanceTimersByTime(100)
    }
    vi.advanceTimersByTime(2000)
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000)
    expect(sent[sent.length - 1]).toBe('r49')
    vi.useRealTimers()
  })
  it('on no row at first: nothing to say, and nothing to resend', () => {
    const { s, sent } = make()
    s.want(null)
    s.resend()
    vi.advanceTimersByTime(3000)
    expect(sent).toEqual([])
    s.want('a')
    vi.advanceTimersByTime(1500)
    s.want(null)
    expect(sent).toEqual(['a', null])
    vi.useRealTimers()
  })
  it('waits the default interval (longer than the hub\'s second)', () => {
    vi.useFakeTimers()
    const sent: (string | null)[] = []
    const s = new FocusSender((r) => sent.push(r))
    s.want('a')
    s.want('b')
    vi.advanceTimersByTime(1000)
    expect(sent).toEqual(['a'])
    vi.advanceTimersByTime(FOCUS_EVERY_MS - 1000)
    expect(sent).toEqual(['a', 'b'])
    vi.useRealTimers()
  })
  it('the same row is not sent twice; resend sends it again', () => {
    const { s, sent } = make()
    s.want('a')
    vi.advanceTimersByTime(1500)
    s.want('a')
    vi.advanceTimersByTime(1500)
    expect(sent).toEqual(['a'])
    s.resend()
    expect(sent).toEqual(['a', 'a'])
    s.stop()
    vi.useRealTimers()
  })
})

describe('parseIds', () => {
  const cases: { q: string | null; want: string[] }[] = [
    { q: null, want: [] },
    { q: '', want: [] },
    { q: 'a,b,c', want: ['a', 'b', 'c'] },
    { q: ' a , b ,,', want: ['a', 'b'] },
    { q: 'a,b,a', want: ['a', 'b'] },
  ]
  for (const tc of cases) it(`${JSON.stringify(tc.q)} → ${JSON.stringify(tc.want)}`, () => expect(parseIds(tc.q)).toEqual(tc.want))
})

describe('applyMarks', () => {
  // The shared part: the table's order, no hidden rows, no marks, no seq.
  const shared = (): Comparison => {
    const c = comparison()
    delete c.seq
    for (const col of c.columns) delete col.seen_version
    c.rows = c.rows.map((r) => ({ ...r, hidden: false }))
    return c
  }
  it('a comparison without marks stays as it is', () => {
    const c = shared()
    expect(applyMarks(c)).toBe(c)
  })
  it("puts the viewer's order, hidden rows, seen versions, changed cells and seq in", () => {
    const c = shared()
    c.marks = {
      seq: 9,
      order: ['criterio', 'modello', 'nope'],
      hidden: ['durata_mesi'],
      seen: { a: 2, c: 2 },
      changed: [
        { id: 'a', field: 'procedura', was: 'Ristretta' },
        { id: 'zzz', field: 'procedura', was: 'ignored: no such column' },
      ],
    }
    const got = applyMarks(c)
    expect(got.marks).toBeUndefined()
    expect(got.seq).toBe(9)
    expect(got.rows.map((r) => r.field)).toEqual(['criterio', 'modello', 'procedura', 'importo_aggiudicato_eur', 'durata_mesi', 'delta_costo_pct'])
    expect(got.rows.filter((r) => r.hidden).map((r) => r.field)).toEqual(['durata_mesi'])
    expect(got.columns.map((col) => col.seen_version)).toEqual([2, undefined, 2])
    const cells = got.rows.flatMap((r) => r.cells.map((cell, i) => (cell.changed ? `${r.field}/${got.columns[i].id}: ${cell.was} -> ${cell.display}` : ''))).filter(Boolean)
    expect(cells).toEqual(['procedura/a: Ristretta -> Aperta'])
    expect(changedCount(got)).toBe(1)
    // The shared part is not changed (it may be the one of another refetch).
    expect(c.rows[2].cells[0].changed).toBeUndefined()
  })
})
