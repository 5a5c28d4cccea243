import { describe, expect, it } from 'vitest'
import type { CellComment } from './api'
import { cellKey, mergeComments, totalComments } from './comments'

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
