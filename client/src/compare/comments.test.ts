import { describe, expect, it } from 'vitest'
import type { CellComment } from './api'
import { applyModeration, cellKey, mergeComments, totalComments } from './comments'

const c = (id: string, at: string, extra: Partial<CellComment> = {}): CellComment => ({
  id,
  experience_id: 'e1',
  moderation_id: `e1-${id}`,
  field: 'procedura',
  author: { id: 'u', name: 'Anna', administration_name: 'Comune di Lucca' },
  body_html: '<p>x</p>',
  created_at: at,
  version: 1,
  value_then: 'Aperta',
  value_now: 'Aperta',
  changed: false,
  ...extra,
})

describe('mergeComments', () => {
  const cases: { name: string; list: CellComment[]; add: CellComment[]; want: string[] }[] = [
    { name: 'appends a new one', list: [c('a', '2026-12-01T10:00:00Z')], add: [c('b', '2026-12-01T11:00:00Z')], want: ['a', 'b'] },
    { name: 'the same twice goes in once', list: [c('a', '2026-12-01T10:00:00Z')], add: [c('a', '2026-12-01T10:00:00Z')], want: ['a'] },
    { name: 'oldest first whatever the arrival', list: [c('b', '2026-12-01T11:00:00Z')], add: [c('a', '2026-12-01T10:00:00Z')], want: ['a', 'b'] },
    { name: 'empty', list: [], add: [], want: [] },
  ]
  for (const tc of cases) it(tc.name, () => expect(mergeComments(tc.list, tc.add).map((x) => x.id)).toEqual(tc.want))

  it('a newer copy replaces the old one (value_now after an edit)', () => {
    const got = mergeComments([c('a', '2026-12-01T10:00:00Z')], [c('a', '2026-12-01T10:00:00Z', { value_now: 'Ristretta', changed: true })])
    expect(got[0].value_now).toBe('Ristretta')
  })
})

describe('counts', () => {
  it('totalComments adds every cell', () => expect(totalComments({ e1: { procedura: 2, modello: 1 }, e2: { procedura: 3 } })).toBe(6))
  it('cellKey keeps experience and field apart', () => expect(cellKey('a', 'bc')).not.toBe(cellKey('ab', 'c')))
})

describe('applyModeration', () => {
  const shown = c('a', '2026-12-01T10:00:00Z')
  const hidden = c('a', '2026-12-01T10:00:00Z', { body_html: '', moderated: { state: 'hidden' } })
  const own = c('a', '2026-12-01T10:00:00Z', { moderated: { state: 'hidden', reason: 'Dati personali' } })
  const cases: { name: string; list: CellComment[]; ev: CellComment; seesAll: boolean; body: string; state: string; change: string | null }[] = [
    { name: 'a reader gets the placeholder at once', list: [shown], ev: hidden, seesAll: false, body: '', state: 'hidden', change: 'withdrawn' },
    { name: 'its author keeps the text until the refetch', list: [shown], ev: hidden, seesAll: true, body: '<p>x</p>', state: '', change: 'withdrawn' },
    { name: 'restored: the text again for a reader', list: [hidden], ev: shown, seesAll: false, body: '<p>x</p>', state: '', change: 'restored' },
    { name: 'restored: the text again for its author', list: [own], ev: shown, seesAll: true, body: '<p>x</p>', state: '', change: 'restored' },
    { name: 'hidden twice: no news', list: [hidden], ev: hidden, seesAll: false, body: '', state: 'hidden', change: null },
  ]
  for (const tc of cases)
    it(tc.name, () => {
      const got = applyModeration(tc.list, tc.ev, tc.seesAll)
      expect([got.list[0].body_html, got.list[0].moderated?.state ?? '', got.change]).toEqual([tc.body, tc.state, tc.change])
    })
  it('a comment of another cell changes nothing', () => {
    const list = [shown]
    const got = applyModeration(list, c('z', '2026-12-01T10:00:00Z', { moderated: { state: 'hidden' } }), false)
    expect(got.list).toBe(list)
    expect(got.change).toBeNull()
  })
})
