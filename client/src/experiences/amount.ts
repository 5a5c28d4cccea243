// Amounts as people type and read them in Italy: "1.234,56". The API takes
// JSON numbers of euro with at most two decimals; the client counts in cents
// so that what it sends is exactly what was typed.

/** Whole cents of an Italian amount ("1.234,56", "1234,5", "1234"), or null when it is not one. */
export function parseCents(input: string): number | null {
  let s = input.replace(/[\s\u00a0€]/g, '')
  if (s === '') return null
  let sign = 1
  if (s.startsWith('-')) {
    sign = -1
    s = s.slice(1)
  }
  let whole: string
  let frac = ''
  const comma = s.indexOf(',')
  if (comma >= 0) {
    whole = s.slice(0, comma)
    frac = s.slice(comma + 1)
    if (frac === '' || !/^\d{1,2}$/.test(frac)) return null
  } else if (/^\d+\.\d{1,2}$/.test(s)) {
    // "1234.5": a decimal point typed the English way (never a thousands group of one or two digits).
    ;[whole, frac] = s.split('.')
  } else {
    whole = s
  }
  if (whole.includes('.')) {
    // Dots group thousands: 1.234 or 12.345.678, never 12.34.
    if (!/^\d{1,3}(\.\d{3})+$/.test(whole)) return null
    whole = whole.replace(/\./g, '')
  }
  if (!/^\d{1,15}$/.test(whole)) return null
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'))
  if (!Number.isSafeInteger(cents)) return null
  return sign * cents
}

/** The API's number of euro for cents (integer cents / 100 prints with at most two decimals). */
export const centsToEuro = (cents: number): number => cents / 100

/** Euro (an API number) as whole cents, rounding away float noise. */
export const euroToCents = (euro: number): number => Math.round(euro * 100)

/** "1.234,56" for an amount input (no currency sign: the label says €). */
export function formatAmountInput(euro: number | null | undefined): string {
  if (euro === null || euro === undefined || !Number.isFinite(euro)) return ''
  const cents = euroToCents(euro)
  const neg = cents < 0
  const abs = Math.abs(cents)
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
  const frac = String(abs % 100).padStart(2, '0')
  return (neg ? '-' : '') + whole + ',' + frac
}

/** A decimal number typed the Italian way ("12,5", "-3", "1.200"), or null. */
export function parseDecimal(input: string): number | null {
  const s = input.replace(/[\s\u00a0%]/g, '')
  if (!/^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(s)) return null
  return Number(s.replace(/\./g, '').replace(',', '.'))
}

/** A number for an input, the Italian way: 12,5. */
export function formatDecimalInput(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return ''
  return String(n).replace('.', ',')
}
