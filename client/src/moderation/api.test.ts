import { describe, expect, it } from 'vitest'
import { actionsFor, keepSelected, type QueuePage } from './api'

const page = (ids: string[]) => ({ items: ids.map((id) => ({ id })) }) as unknown as QueuePage

describe('keepSelected', () => {
  const cases: { name: string; selected: string[]; on: string[]; want: string[] }[] = [
    { name: 'all still there', selected: ['post:1-2', 'message:R-3'], on: ['post:1-2', 'message:R-3', 'post:4-1'], want: ['post:1-2', 'message:R-3'] },
    { name: 'one handled by another moderator', selected: ['post:1-2', 'message:R-3'], on: ['message:R-3'], want: ['message:R-3'] },
    { name: 'page empty', selected: ['post:1-2'], on: [], want: [] },
  ]
  for (const c of cases) it(c.name, () => expect([...keepSelected(new Set(c.selected), page(c.on))]).toEqual(c.want))
})

describe('actionsFor', () => {
  it('offers hiding on reported items and restoring on hidden ones', () => {
    expect(actionsFor('reported')).toContain('hide')
    expect(actionsFor('reported')).not.toContain('restore')
    expect(actionsFor('hidden')).toContain('restore')
    expect(actionsFor('hidden')).not.toContain('hide')
  })
})
