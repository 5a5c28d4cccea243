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

/** dd/mm/yyyy in Europe/Rome. */
export function formatDate(v: string | number | Date | null | undefined, lang: Lang = 'it'): string {
  const d = v == null ? null : toDate(v)
  if (!d) return ''
  return fmt(`d:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' }),
  ).format(d)
}

/** dd/mm/yyyy, hh:mm in Europe/Rome (24 h). */
export function formatDateTime(v: string | number | Date | null | undefined, lang: Lang = 'it'): string {
  const d = v == null ? null : toDate(v)
  if (!d) return ''
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
