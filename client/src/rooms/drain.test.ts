import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { drainQueue } from './drain'
import { newItem, type OutboxItem } from './outbox'
import { msg } from './testdata'

const q = () => ['a', 'b', 'c'].map((id, i) => newItem('r', id, 'body ' + id, i))

describe('drainQueue', () => {
  const cases: { name: string; answers: (Error | null)[]; wantSent: string[]; wantLeft: string[] }[] = [
    { name: 'all go, in order', answers: [null, null, null], wantSent: ['a', 'b', 'c'], wantLeft: [] },
    { name: 'no connection: stops, keeps the rest in order', answers: [null, new ApiError(0, 'network', '')], wantSent: ['a', 'b'], wantLeft: ['b:pending', 'c:pending'] },
    { name: 'slow mode: stops at the head', answers: [new ApiError(429, 'slow_mode', '', {}, 5)], wantSent: ['a'], wantLeft: ['a:pending', 'b:pending', 'c:pending'] },
    { name: 'a refusal fails one, the rest go', answers: [null, new ApiError(403, 'muted', 'no'), null], wantSent: ['a', 'b', 'c'], wantLeft: ['b:failed'] },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const sent: string[] = []
      const saves: OutboxItem[][] = []
      let i = 0
      const left = await drainQueue(
        q(),
        async (it) => {
          sent.push(it.client_id)
          const a = c.answers[i++]
          if (a) throw a
          return msg(i, { client_id: it.client_id })
        },
        () => 1000,
        (s) => saves.push(s),
      )
      expect(sent).toEqual(c.wantSent)
      expect(left.map((x) => `${x.client_id}:${x.state}`)).toEqual(c.wantLeft)
      expect(saves[saves.length - 1]).toEqual(left) // what is stored is what is left
      expect(saves.filter((s) => s.some((x) => x.state === 'sending')).length).toBe(sent.length) // saved before each send
    })
  }
})
