import { describe, expect, it } from 'vitest'
import type { Summary } from '../experiences/model'
import { addCandidates, canAddColumn, fold, withColumn } from './candidates'
import { tableTextPatch, validateTableText } from './tableText'

function rec(id: string, titolo: string, adm: string, status: Summary['status'] = 'published'): Summary {
  return {
    id,
    titolo,
    status,
    version: 1,
    amministrazione: { id: 'p-' + id, codice_ipa: 'c_' + id, name: adm, category: 'comune', region: 'toscana' },
    importo_eur: null,
    updated_at: '2026-11-02T10:00:00Z',
  }
}

const all = [
  rec('a', 'Mensa scolastica', 'Comune di Lucca'),
  rec('b', 'Paghe del personale', 'Comune di Prato'),
  rec('c', 'Pulizie delle sedi', 'Università di Pisa', 'updated'),
  rec('d', 'Bozza riservata', 'Comune di Lucca', 'draft'),
  rec('e', 'Servizio di pulizia', 'ASL Toscana'),
]

describe('fold', () => {
  it('drops case, accents and extra spaces', () => {
    expect(fold('  Università   DI  Pisa ')).toBe('universita di pisa')
  })
})

describe('addCandidates', () => {
  it('leaves out the records already in the table and drafts', () => {
    const r = addCandidates(all, ['a', 'c'], '')
    expect(r.items.map((x) => x.id)).toEqual(['b', 'e'])
    expect(r.total).toBe(2)
  })

  it('matches every word in the title or the administration, whatever the case and accents', () => {
    expect(addCandidates(all, [], 'pulizi').items.map((x) => x.id)).toEqual(['c', 'e'])
    expect(addCandidates(all, [], 'UNIVERSITA pulizie').items.map((x) => x.id)).toEqual(['c'])
    expect(addCandidates(all, [], 'lucca').items.map((x) => x.id)).toEqual(['a'])
    expect(addCandidates(all, [], 'lucca paghe').items).toEqual([])
  })

  it('keeps the list order, shows at most limit and counts them all', () => {
    const r = addCandidates(all, [], '', 2)
    expect(r.items.map((x) => x.id)).toEqual(['a', 'b'])
    expect(r.total).toBe(4)
  })

  it('lists a record once even when a page repeats it', () => {
    expect(addCandidates([...all, all[1]], [], 'paghe').total).toBe(1)
  })
})

describe('columns', () => {
  it('take one more up to 12', () => {
    expect(canAddColumn(2)).toBe(true)
    expect(canAddColumn(11)).toBe(true)
    expect(canAddColumn(12)).toBe(false)
  })

  it('add the record at the end, once', () => {
    expect(withColumn(['a', 'b'], 'c')).toEqual(['a', 'b', 'c'])
    expect(withColumn(['a', 'b'], 'b')).toEqual(['a', 'b'])
  })
})

describe('the table text', () => {
  const tc = { nameRequired: 'required', nameTooLong: 'long', descriptionTooLong: 'desc' }
  it('needs a name of 1 to 120 characters and a description of at most 2000', () => {
    expect(validateTableText({ name: '  ', description: '' }, tc)).toEqual({ name: 'required' })
    expect(validateTableText({ name: 'è'.repeat(120), description: 'x'.repeat(2000) }, tc)).toEqual({})
    expect(validateTableText({ name: 'x'.repeat(121), description: 'x'.repeat(2001) }, tc)).toEqual({ name: 'long', description: 'desc' })
    expect(validateTableText({ name: ' ' + 'x'.repeat(120) + ' ', description: '' }, tc)).toEqual({})
  })
  it('is sent trimmed', () => {
    expect(tableTextPatch({ name: ' Nuovo nome ', description: ' Per cosa \n' })).toEqual({ name: 'Nuovo nome', description: 'Per cosa' })
  })
})
