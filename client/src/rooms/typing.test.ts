import { describe, expect, it } from 'vitest'
import { typingNames } from './typing'

describe('typingNames', () => {
  const names = new Map([
    ['a', 'Anna'],
    ['b', 'Bruno'],
  ])
  const cases: { name: string; typers: Record<string, number>; want: string[] | null }[] = [
    { name: 'nobody', typers: {}, want: null },
    { name: 'expired', typers: { a: 999 }, want: null },
    { name: 'one', typers: { a: 2000 }, want: ['Anna'] },
    { name: 'two, sorted', typers: { b: 2000, a: 2000 }, want: ['Anna', 'Bruno'] },
    { name: 'someone unknown', typers: { z: 2000 }, want: [] },
    { name: 'known and unknown', typers: { z: 2000, b: 2000, a: 10 }, want: ['Bruno'] },
  ]
  for (const c of cases) it(c.name, () => expect(typingNames(c.typers, names, 1000)).toEqual(c.want))
})
