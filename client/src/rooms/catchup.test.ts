import { describe, expect, it } from 'vitest'
import { catchUp, singleFlight } from './catchup'
import type { MessagePage } from './api'
import { msg } from './testdata'

/** A server holding messages 1..n, answering ?after= pages of limit, topic head seq. */
function server(n: number, limit: number, topicSeq: number) {
  const asked: number[] = []
  const fetchAfter = async (after: number): Promise<MessagePage> => {
    asked.push(after)
    const messages = []
    for (let s = after + 1; s <= Math.min(n, after + limit); s++) messages.push(msg(s))
    return { messages, head: n, seq: topicSeq, has_more: after + limit < n }
  }
  return { asked, fetchAfter }
}

describe('catchUp', () => {
  const cases: { name: string; n: number; limit: number; from: number; wantAsked: number[]; wantLast: number }[] = [
    { name: 'nothing missed', n: 10, limit: 100, from: 10, wantAsked: [10], wantLast: 10 },
    { name: 'one page', n: 30, limit: 100, from: 10, wantAsked: [10], wantLast: 30 },
    { name: 'exactly a page', n: 110, limit: 100, from: 10, wantAsked: [10], wantLast: 110 },
    { name: 'many pages', n: 2500, limit: 100, from: 0, wantAsked: Array.from({ length: 25 }, (_, i) => i * 100), wantLast: 2500 },
    { name: 'beyond a 1,000 cap', n: 1234, limit: 100, from: 3, wantAsked: Array.from({ length: 13 }, (_, i) => 3 + i * 100), wantLast: 1234 },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const s = server(c.n, c.limit, 77)
      const got: number[] = []
      const r = await catchUp(s.fetchAfter, c.from, (ms) => got.push(...ms.map((m) => m.seq)))
      expect(s.asked).toEqual(c.wantAsked)
      const want = Array.from({ length: c.n - c.from }, (_, i) => c.from + 1 + i)
      expect(got).toEqual(want) // every missed message once, in order
      expect(r).toMatchObject({ seq: 77, after: c.wantLast })
    })
  }

  it('stops when a page makes no progress even if has_more says otherwise', async () => {
    let calls = 0
    const r = await catchUp(async () => ({ messages: [msg(5)], head: 5, seq: 3, has_more: true }), 5, () => calls++)
    expect(r.pages).toBe(1)
    expect(calls).toBe(0)
  })

  it('stops at maxPages', async () => {
    const s = server(1000, 10, 1)
    const r = await catchUp(s.fetchAfter, 0, () => undefined, 3)
    expect(r).toMatchObject({ pages: 3, after: 30 })
  })
})

describe('singleFlight', () => {
  it('folds calls during a run into one more run', async () => {
    let runs = 0
    const gates: (() => void)[] = []
    const job = singleFlight(() => {
      runs++
      return new Promise<number>((res) => gates.push(() => res(runs)))
    })
    const a = job()
    const b = job()
    const c = job()
    expect(runs).toBe(1)
    gates[0]()
    expect(await a).toBe(1)
    await Promise.resolve()
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    gates[1]()
    expect([await b, await c]).toEqual([2, 2])
    const d = job()
    expect(runs).toBe(3)
    gates[2]()
    expect(await d).toBe(3)
  })
})
