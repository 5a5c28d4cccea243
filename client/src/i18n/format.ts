import type { Lang } from './types'

const TZ = 'Europe/Rome'
const locale = (lang: Lang) => (lang === 'it' ? 'it-IT' : 'en-GB')

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()
function fmt<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key)
  if (!f) {
    f = make()
    cache.set(key, f)
  }
  return f as T
}

function toDate(v: string | number | Date): Date | null {
  const d = v instanceof Date ? v : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

// Dates are written by hand: building the first Intl.DateTimeFormat with a
// time zone loads ICU's zone data, ~40 ms of main thread (~155 ms on
// Lighthouse's 4× slower mobile CPU) inside the render that first shows a date
// (the thread, category and search pages' total blocking time). Both languages
// write dd/mm/yyyy, hh:mm. Europe/Rome has kept the EU rule since 1996: summer
// time (UTC+2) from the last Sunday of March to the last Sunday of October,
// 01:00 UTC; other years go through Intl.

/** Day of the month of the last Sunday of month (0-based) in year. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0))
  return last.getUTCDate() - last.getUTCDay()
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The wall-clock fields of d in Europe/Rome, or null outside the EU rule's years. */
function romeFields(d: Date): { day: string; month: string; year: string; hour: string; minute: string } | null {
  const year = d.getUTCFullYear()
  if (year < 1996 || year > 9999) return null
  const t = d.getTime()
  const summer = t >= Date.UTC(year, 2, lastSunday(year, 2), 1) && t < Date.UTC(year, 9, lastSunday(year, 9), 1)
  const r = new Date(t + (summer ? 2 : 1) * 3_600_000)
  return {
    day: pad(r.getUTCDate()),
    month: pad(r.getUTCMonth() + 1),
    year: String(r.getUTCFullYear()),
    hour: pad(r.getUTCHours()),
    minute: pad(r.getUTCMinutes()),
  }
}

/** dd/mm/yyyy in Europe/Rome. */
export function formatDate(v: string | number | Date | null | undefined, lang: Lang = 'it'): string {
  const d = v == null ? null : toDate(v)
  if (!d) return ''
  const f = romeFields(d)
  if (f) return `${f.day}/${f.month}/${f.year}`
  return fmt(`d:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' }),
  ).format(d)
}

/** dd/mm/yyyy, hh:mm in Europe/Rome (24 h). */
export function formatDateTime(v: string | number | Date | null | undefined, lang: Lang = 'it'): string {
  const d = v == null ? null : toDate(v)
  if (!d) return ''
  const f = romeFields(d)
  if (f) return `${f.day}/${f.month}/${f.year}, ${f.hour}:${f.minute}`
  return fmt(`dt:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), {
      timeZone: TZ,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
  ).format(d)
}

/** Euro amounts the Italian way in both languages: 1.234,56 € */
export function formatEuro(amount: number, opts: { cents?: boolean } = {}): string {
  const cents = opts.cents ?? true
  return fmt(`eur:${cents}`, () =>
    new Intl.NumberFormat('it-IT', {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: cents ? 2 : 0,
      maximumFractionDigits: cents ? 2 : 0,
      // it-IT does not group 4-digit numbers by default (1234,56 €).
      useGrouping: 'always',
    } as unknown as Intl.NumberFormatOptions),
  ).format(amount)
}

/** Plain numbers with Italian grouping: 1.234 */
export function formatNumber(n: number): string {
  return fmt('num', () => new Intl.NumberFormat('it-IT', { useGrouping: 'always' } as unknown as Intl.NumberFormatOptions)).format(n)
}
