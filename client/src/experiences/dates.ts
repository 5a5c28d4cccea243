// Calendar days as people type and read them: dd/mm/yyyy. The API takes
// yyyy-mm-dd. A text input rather than the native date picker, whose
// format follows the browser's language, not the page's.

/** yyyy-mm-dd as dd/mm/yyyy (a calendar day: no time zone involved). */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day
}

/** "31/12/2024" (also 31.12.2024, 31-12-2024, 1/2/2024, or yyyy-mm-dd) as yyyy-mm-dd; null when no such day. */
export function parseDay(input: string): string | null {
  const s = input.trim()
  let y: number, m: number, d: number
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  const it = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s)
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
  else if (it) [d, m, y] = [Number(it[1]), Number(it[2]), Number(it[3])]
  else return null
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
