import { describe, expect, it } from 'vitest'
import { pageParam, viewParam } from './pageParam'

describe('page parameters', () => {
  const pages: [string, number][] = [['', 1], ['?page=3', 3], ['?page=0', 1], ['?page=-2', 1], ['?page=2.7', 2], ['?page=abc', 1], ['?view=flat&page=4', 4]]
  for (const [search, want] of pages) it(`page of "${search}" is ${want}`, () => expect(pageParam(search)).toBe(want))
  const views: [string, 'tree' | 'flat'][] = [['', 'tree'], ['?view=flat', 'flat'], ['?view=FLAT', 'tree'], ['?view=tree', 'tree']]
  for (const [search, want] of views) it(`view of "${search}" is ${want}`, () => expect(viewParam(search)).toBe(want))
})
