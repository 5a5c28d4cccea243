import { describe, expect, it } from 'vitest'
import { wordDiff, type DiffPart } from './wordDiff'

const s = (text: string): DiffPart => ({ kind: 'same', text })
const ins = (text: string): DiffPart => ({ kind: 'ins', text })
const del = (text: string): DiffPart => ({ kind: 'del', text })

describe('wordDiff', () => {
  const cases: [string, string, string, DiffPart[]][] = [
    ['identical', 'le penali del contratto', 'le penali del contratto', [s('le penali del contratto')]],
    ['both empty', '', '', []],
    ['from nothing', '', 'nuovo testo', [ins('nuovo testo')]],
    ['to nothing', 'vecchio testo', '', [del('vecchio testo')]],
    ['one word replaced', 'SLA al 95%', 'SLA al 99%', [s('SLA al '), del('95%'), ins('99%')]],
    ['word added in the middle', 'le penali contrattuali', 'le penali non contrattuali', [s('le penali '), ins('non '), s('contrattuali')]],
    ['word removed at the end', 'rinnovo annuale tacito', 'rinnovo annuale', [s('rinnovo annuale'), del(' tacito')]],
    ['accented words', 'la città è grande', 'la comunità è grande', [s('la '), del('città'), ins('comunità'), s(' è grande')]],
    ['newline kept as whitespace', 'uno\ndue', 'uno\ntre', [s('uno\n'), del('due'), ins('tre')]],
    ['markup is text', '**SLA** e penali', '_SLA_ e penali', [del('**SLA**'), ins('_SLA_'), s(' e penali')]],
    ['two separate edits', 'a b c d e', 'a X c d Y', [s('a '), del('b'), ins('X'), s(' c d '), del('e'), ins('Y')]],
  ]
  for (const [name, before, after, want] of cases) {
    it(name, () => {
      const got = wordDiff(before, after)
      expect(got, `case ${name}`).toEqual(want)
      expect(got.filter((p) => p.kind !== 'ins').map((p) => p.text).join(''), `case ${name}: before rebuilt`).toBe(before)
      expect(got.filter((p) => p.kind !== 'del').map((p) => p.text).join(''), `case ${name}: after rebuilt`).toBe(after)
    })
  }

  it('aligns a long edit word by word', () => {
    const before = Array.from({ length: 900 }, (_, i) => `w${i}`).join(' ')
    const after = Array.from({ length: 900 }, (_, i) => (i % 7 === 0 ? `x${i}` : `w${i}`)).join(' ')
    const got = wordDiff(before, after)
    expect(got.filter((p) => p.kind !== 'ins').map((p) => p.text).join('')).toBe(before)
    expect(got.filter((p) => p.kind !== 'del').map((p) => p.text).join('')).toBe(after)
    expect(got.filter((p) => p.kind === 'del').map((p) => p.text)).toEqual(Array.from({ length: 129 }, (_, k) => `w${k * 7}`))
  })

  it('shows a very long rewrite as replaced whole, both texts intact', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ')
    const after = Array.from({ length: 5000 }, (_, i) => `x${i}`).join(' ')
    const got = wordDiff('inizio ' + before, 'inizio ' + after)
    expect(got).toEqual([s('inizio '), del(before), ins(after)])
  })
})
