import { describe, expect, it } from 'vitest'
import { it as itDict } from './it'
import { en } from './en'

/** Every string of a dictionary, functions called with sample arguments. */
function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return [[path, v]]
  if (typeof v === 'function') return [[path, String((v as (...a: unknown[]) => unknown)('Anna', 'Titolo', 'x'))]]
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k))
  return []
}

describe('words', () => {
  // Italian copy addresses people without assuming their gender.
  const gendered: [RegExp, string][] = [
    [/(?<!il )\bbenvenut[oaie]\b/i, 'Ti diamo il benvenuto'],
    [/\bsei stat[oa]\b/i, 'Hai ricevuto…'],
    [/\bti ha (menzionat|invitat|citat)[oa]\b/i, '… ti menziona'],
    [/\b(un|il|del|al|dal) collega\b/i, 'una persona della tua amministrazione'],
    [/\bsei (iscritt|registrat|connesso|pront)[oa]\b/i, 'a neutral form'],
  ]
  for (const [re, instead] of gendered) {
    it(`Italian has no ${re} (say: ${instead})`, () => {
      expect(strings(itDict).filter(([, text]) => re.test(text))).toEqual([])
    })
  }

  it('English says “Cantiere” and glosses it once', () => {
    const all = strings(en).map(([, s]) => s)
    expect(all.filter((s) => s.includes('Cantiere (innovation workshop)')).length).toBe(1)
    expect(all.filter((s) => /worksite|construction site|innovation cantier/i.test(s))).toEqual([])
  })
})
