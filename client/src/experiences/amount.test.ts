import { describe, expect, it } from 'vitest'
import { centsToEuro, formatAmountInput, parseCents, parseDecimal } from './amount'
import { formatEuro } from '../i18n/format'
import { formatDay, parseDay } from './dates'

describe('parseCents', () => {
  const cases: [string, number | null][] = [
    ['1.234,56', 123456],
    ['1234,56', 123456],
    ['1234,5', 123450],
    ['1234', 123400],
    ['1.234', 123400],
    ['12.345.678', 1234567800],
    ['143.000,00 €', 14300000],
    [' 0,07 ', 7],
    ['1234.56', 123456],
    ['1234.5', 123450],
    ['-1.000,00', -100000],
    ['', null],
    ['abc', null],
    ['1,234', null],
    ['12.34.567', null],
    ['1.23,45', null],
    ['1,2,3', null],
    ['1e5', null],
    ['1234567890123456', null],
  ]
  for (const [input, want] of cases) {
    it(`"${input}" -> ${want}`, () => expect(parseCents(input)).toBe(want))
  }
  it('sends exactly two decimals at most', () => {
    for (const s of ['0,07', '0,1', '1.234.567,89', '999.999.999,99']) {
      const c = parseCents(s)
      expect(c).not.toBeNull()
      expect(JSON.stringify(centsToEuro(c as number))).toMatch(/^\d+(\.\d{1,2})?$/)
    }
  })
})

describe('formatAmountInput', () => {
  const cases: [number | null, string][] = [
    [1234.56, '1.234,56'],
    [143000, '143.000,00'],
    [0.07, '0,07'],
    [5538000, '5.538.000,00'],
    [-12.5, '-12,50'],
    [null, ''],
  ]
  for (const [n, want] of cases) it(`${n} -> "${want}"`, () => expect(formatAmountInput(n)).toBe(want))
  it('round-trips with parseCents', () => {
    for (const n of [0, 0.01, 1, 999.99, 1234.56, 221000, 10_000_000_000]) {
      expect(centsToEuro(parseCents(formatAmountInput(n)) as number)).toBe(n)
    }
  })
  it('reads like the display format without the sign', () => {
    expect(formatEuro(1234.56)).toBe('1.234,56\u00a0€')
  })
})

describe('parseDecimal', () => {
  const cases: [string, number | null][] = [
    ['12,5', 12.5],
    ['-3', -3],
    ['1.200', 1200],
    ['99,95 %', 99.95],
    ['', null],
    ['1,2,3', null],
    ['x', null],
  ]
  for (const [s, want] of cases) it(`"${s}" -> ${want}`, () => expect(parseDecimal(s)).toBe(want))
})

describe('days typed dd/mm/yyyy', () => {
  const cases: [string, string | null][] = [
    ['31/12/2024', '2024-12-31'],
    ['1/2/2024', '2024-02-01'],
    ['29.02.2024', '2024-02-29'],
    ['10-03-2025', '2025-03-10'],
    ['2025-03-10', '2025-03-10'],
    ['29/02/2025', null],
    ['31/04/2024', null],
    ['12/13/2024', null],
    ['2024/12/31', null],
    ['', null],
    ['ieri', null],
  ]
  for (const [s, want] of cases) it(`"${s}" -> ${want}`, () => expect(parseDay(s)).toBe(want))
  it('formats back', () => {
    expect(formatDay('2025-03-10')).toBe('10/03/2025')
    expect(formatDay(parseDay('1/2/2024') as string)).toBe('01/02/2024')
  })
})
