// The records the "add an experience" dialog offers: the published ones
// not already in the table, filtered by what the user typed (every word in
// the title or the administration's name, whatever the case and accents).
import type { Summary } from '../experiences/model'
import { MAX_COLUMNS } from './rows'

/** Lower case, without accents, spaces squeezed: for matching what was typed. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

export interface Candidates {
  /** The matching records, at most limit of them, in the list's order. */
  items: Summary[]
  /** How many match in all. */
  total: number
}

/**
 * The records that may be added: published (or updated), not in the table
 * (inTable: its record ids), matching every word of query.
 */
export function addCandidates(all: readonly Summary[], inTable: readonly string[], query: string, limit = 50): Candidates {
  const skip = new Set(inTable)
  const words = fold(query).split(' ').filter(Boolean)
  const seen = new Set<string>()
  const out: Summary[] = []
  let total = 0
  for (const r of all) {
    if (skip.has(r.id) || seen.has(r.id) || r.status === 'draft') continue
    seen.add(r.id)
    const hay = fold(r.titolo + ' ' + r.amministrazione.name)
    if (!words.every((w) => hay.includes(w))) continue
    total++
    if (out.length < limit) out.push(r)
  }
  return { items: out, total }
}

/** Whether a table with n records takes one more. */
export function canAddColumn(n: number): boolean {
  return n < MAX_COLUMNS
}

/** The table's records with id added at the end (once). */
export function withColumn(experiences: readonly string[], id: string): string[] {
  return experiences.includes(id) ? [...experiences] : [...experiences, id]
}
