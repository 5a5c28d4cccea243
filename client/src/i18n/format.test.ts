import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime } from './format'

// The hand-written Europe/Rome dates must read exactly as Intl writes them.
const intl = (lang: string, time: boolean) =>
  new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', {
    timeZone: 'Europe/Rome',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    ...(time ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
  })

describe('formatDate / formatDateTime', () => {
  // Around every summer-time switch from 1995 to 2040, plus new year's eves and odd minutes.
  const cases: Date[] = []
  for (let y = 1995; y <= 2040; y++) {
    for (const [m, day] of [[2, 24], [2, 31], [9, 24], [9, 31], [11, 31], [0, 1], [6, 15]]) {
      for (const h of [0, 0.99, 1, 1.01, 2, 23.5]) cases.push(new Date(Date.UTC(y, m, day) + h * 3_600_000 + 7 * 60_000))
    }
    for (const m of [2, 9]) {
      const last = new Date(Date.UTC(y, m + 1, 0))
      const switchAt = Date.UTC(y, m, last.getUTCDate() - last.getUTCDay(), 1)
      for (const dm of [-61, -1, 0, 1, 59, 60, 61]) cases.push(new Date(switchAt + dm * 60_000))
    }
  }
  it.each(['it', 'en'] as const)('agrees with Intl (%s)', (lang) => {
    const [withTime, dateOnly] = [intl(lang, true), intl(lang, false)]
    for (const d of cases) {
      expect(formatDateTime(d, lang), `case ${d.toISOString()}`).toBe(withTime.format(d))
      expect(formatDate(d, lang), `case ${d.toISOString()}`).toBe(dateOnly.format(d))
    }
  })
  it('reads strings and rejects what is not a date', () => {
    expect(formatDateTime('2026-07-01T10:05:00Z')).toBe('01/07/2026, 12:05')
    expect(formatDate('not a date')).toBe('')
    expect(formatDateTime(null)).toBe('')
  })
})
