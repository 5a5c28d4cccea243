import { describe, expect, it } from 'vitest'
import { applyResult, classify, discard, markSending, newItem, nextToSend, parseStored, reconcile, retry, wakeAll, wakeAt, type OutboxItem } from './outbox'
import { ApiError } from '../api/client'
import { msg } from './testdata'

const three = () => [newItem('r', 'a', 'uno', 1), newItem('r', 'b', 'due', 2), newItem('r', 'c', 'tre', 3)]
const ids = (l: OutboxItem[]) => l.map((x) => `${x.client_id}:${x.state}`)

describe('outbox queue', () => {
  it('sends in order, one at a time', () => {
    let q = three()
    const order: string[] = []
    for (let i = 0; i < 5; i++) {
      const n = nextToSend(q, 100)
      if (!n) break
      q = markSending(q, n.client_id)
      expect(nextToSend(q, 100)).toBeNull() // one in flight
      order.push(n.client_id)
      q = applyResult(q, n.client_id, { kind: 'stored', message: msg(i + 1) }, 100)
    }
    expect(order).toEqual(['a', 'b', 'c'])
    expect(q).toEqual([])
  })

  const cases: { name: string; result: Parameters<typeof applyResult>[2]; want: string[]; next: string | null; at: number }[] = [
    { name: 'network: stays pending, waits its backoff', result: { kind: 'network' }, want: ['a:pending', 'b:pending', 'c:pending'], next: null, at: 1000 },
    { name: 'network: goes again after the backoff, still first', result: { kind: 'network' }, want: ['a:pending', 'b:pending', 'c:pending'], next: 'a', at: 1000 + 1000 },
    { name: 'slow mode: the head waits, order kept', result: { kind: 'wait', seconds: 30, code: 'slow_mode' }, want: ['a:pending', 'b:pending', 'c:pending'], next: null, at: 1000 + 29_000 },
    { name: 'slow mode over: the head goes', result: { kind: 'wait', seconds: 30, code: 'slow_mode' }, want: ['a:pending', 'b:pending', 'c:pending'], next: 'a', at: 1000 + 30_000 },
    { name: 'refused: failed, the rest go on', result: { kind: 'refused', code: 'muted', reason: 'no' }, want: ['a:failed', 'b:pending', 'c:pending'], next: 'b', at: 1000 },
  ]
  for (const c of cases) {
    it(c.name, () => {
      let q = markSending(three(), 'a')
      q = applyResult(q, 'a', c.result, 1000)
      expect(ids(q)).toEqual(c.want)
      expect(nextToSend(q, c.at)?.client_id ?? null).toBe(c.next)
    })
  }

  it('backs off exponentially up to 30 s on network failures', () => {
    let q = [newItem('r', 'a', 'x', 0)]
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      q = applyResult(markSending(q, 'a'), 'a', { kind: 'network' }, 0)
      waits.push(wakeAt(q) ?? -1)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })

  it('the connection coming back wakes network waits, not slow mode', () => {
    let q = three()
    q = applyResult(markSending(q, 'a'), 'a', { kind: 'network' }, 0)
    expect(nextToSend(wakeAll(q), 0)?.client_id).toBe('a')
    q = applyResult(markSending(three(), 'a'), 'a', { kind: 'wait', seconds: 10, code: 'slow_mode' }, 0)
    expect(nextToSend(wakeAll(q), 0)).toBeNull()
  })

  it('retry keeps client_id and place; discard removes', () => {
    let q = applyResult(markSending(three(), 'a'), 'a', { kind: 'refused', code: 'room_archived', reason: 'archiviata' }, 0)
    expect(q[0]).toMatchObject({ state: 'failed', code: 'room_archived', reason: 'archiviata' })
    const r = retry(q, 'a')
    expect(ids(r)).toEqual(['a:pending', 'b:pending', 'c:pending'])
    expect(nextToSend(r, 0)?.client_id).toBe('a')
    q = discard(q, 'a')
    expect(ids(q)).toEqual(['b:pending', 'c:pending'])
  })

  it('reconcile drops items the conversation holds (mine only)', () => {
    const q = three()
    const me = { id: 'me', name: 'Me', administration_id: '', administration_name: '' }
    expect(ids(reconcile(q, [msg(1, { client_id: 'b', author: me }), msg(2, { client_id: 'c' })], 'me'))).toEqual(['a:pending', 'c:pending'])
    expect(reconcile(q, [], 'me')).toBe(q)
  })
})

describe('classify', () => {
  const cases: { name: string; err: unknown; want: Parameters<typeof applyResult>[2] }[] = [
    { name: 'no answer', err: new ApiError(0, 'network', ''), want: { kind: 'network' } },
    { name: '502', err: new ApiError(502, 'internal', ''), want: { kind: 'network' } },
    { name: 'slow mode', err: new ApiError(429, 'slow_mode', 'piano', {}, 12), want: { kind: 'wait', seconds: 12, code: 'slow_mode' } },
    { name: '429 without Retry-After', err: new ApiError(429, 'rate_limited', ''), want: { kind: 'wait', seconds: 1, code: 'rate_limited' } },
    { name: 'muted', err: new ApiError(403, 'muted', 'Silenziato'), want: { kind: 'refused', code: 'muted', reason: 'Silenziato' } },
    { name: 'reused', err: new ApiError(409, 'client_id_reused', 'x'), want: { kind: 'refused', code: 'client_id_reused', reason: 'x' } },
    { name: 'too long', err: new ApiError(413, 'too_large', 'lungo'), want: { kind: 'refused', code: 'too_large', reason: 'lungo' } },
  ]
  for (const c of cases) it(c.name, () => expect(classify(c.err)).toEqual(c.want))
})

describe('parseStored', () => {
  const cases: { name: string; raw: string | null; want: string[] }[] = [
    { name: 'nothing', raw: null, want: [] },
    { name: 'junk', raw: '{nope', want: [] },
    { name: 'not a list', raw: '{"a":1}', want: [] },
    { name: 'a reload mid-send resends', raw: JSON.stringify([{ ...newItem('r', 'a', 'x', 0), state: 'sending' }, newItem('r', 'b', 'y', 0)]), want: ['a:pending', 'b:pending'] },
    { name: 'failed stays failed, bad items dropped', raw: JSON.stringify([{ ...newItem('r', 'a', 'x', 0), state: 'failed' }, { client_id: 3 }]), want: ['a:failed'] },
  ]
  for (const c of cases) it(c.name, () => expect(ids(parseStored(c.raw))).toEqual(c.want))
})
