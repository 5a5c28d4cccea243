import { describe, expect, it } from 'vitest'
import type { RealtimeEvent } from '../realtime/socket'
import { RECENT_EVENTS, remember, replayOver } from './useLiveView'

const ev = (seq: number): RealtimeEvent => ({ topic: 't', seq, event: 'n', data: seq }) as RealtimeEvent

describe('remember', () => {
  it('keeps the newest events, in order', () => {
    let recent: RealtimeEvent[] = []
    for (let s = 1; s <= RECENT_EVENTS + 5; s++) recent = remember(recent, ev(s))
    const got = recent.map((e) => e.seq)
    expect(got.length).toBe(RECENT_EVENTS)
    expect(got[0]).toBe(6)
    expect(got[got.length - 1]).toBe(RECENT_EVENTS + 5)
  })
  it('keeps max events when told', () => {
    expect(remember([ev(1), ev(2), ev(3)], ev(4), 2).map((e) => e.seq)).toEqual([3, 4])
  })
})

describe('replayOver', () => {
  const apply = (d: { seq: number; applied: number[] }, e: RealtimeEvent) => ({ ...d, applied: [...d.applied, e.seq] })
  const cases: { name: string; seq: number; recent: number[]; want: number[] }[] = [
    { name: 'a reload newer than every event applies none', seq: 9, recent: [7, 8, 9], want: [] },
    { name: 'a reload that started before some applies those, in order', seq: 7, recent: [6, 7, 8, 9], want: [8, 9] },
    { name: 'no recent events', seq: 3, recent: [], want: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = replayOver({ seq: c.seq, applied: [] }, c.recent.map(ev), apply)
      expect(got.applied).toEqual(c.want)
      expect(got.seq).toBe(c.seq)
    })
  }
})
