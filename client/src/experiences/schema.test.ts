import { describe, expect, it } from 'vitest'
import type { Schema } from './model'
import { displayValue, formPaths, groups, pathLabel, type DisplayWords } from './schema'

const schema: Schema = {
  lists: [
    { name: 'procedura', options: [{ value: 'aperta', it: 'Procedura aperta', en: 'Open procedure' }] },
    { name: 'obiettivi', options: [{ value: 'riduzione_costi', it: 'Riduzione dei costi', en: 'Cost reduction' }, { value: 'innovazione', it: 'Innovazione', en: 'Innovation' }] },
    { name: 'fattori_critici', options: [{ value: 'sla_e_penali', it: 'SLA e penali', en: 'SLAs and penalties' }] },
    { name: 'tipo_atto', options: [{ value: 'capitolato', it: 'Capitolato', en: 'Specifications' }] },
  ],
  fields: [
    { field: 'titolo', group: 'identita', it: 'Titolo', en: 'Title' },
    { field: 'data_decisione', group: 'identita', it: 'Data della decisione', en: 'Decision date' },
    { field: 'obiettivi', group: 'strategia', it: 'Obiettivi', en: 'Objectives', list: 'obiettivi' },
    { field: 'procedura', group: 'affidamento', it: 'Procedura', en: 'Procedure', list: 'procedura' },
    { field: 'importo_base_eur', group: 'affidamento', it: 'Importo a base di gara (€)', en: 'Base amount (€)' },
    { field: 'n_offerte', group: 'affidamento', it: 'Numero di offerte', en: 'Number of bids' },
    { field: 'indicatori', group: 'monitoraggio', it: 'Indicatori (SLA)', en: 'Indicators (SLAs)' },
    { field: 'penali', group: 'monitoraggio', it: 'Penali', en: 'Penalties' },
    { field: 'delta_costo_pct', group: 'monitoraggio', it: 'Variazione di costo (%)', en: 'Cost change (%)' },
    { field: 'valutazione_qualita', group: 'monitoraggio', it: 'Valutazione della qualità (1–5)', en: 'Quality rating (1–5)' },
    { field: 'clausola_uscita', group: 'reversibilita', it: 'Clausola di uscita', en: 'Exit clause' },
    { field: 'fattori_critici', group: 'fattori_critici', it: 'Fattori critici (1–5)', en: 'Critical factors (1–5)', list: 'fattori_critici' },
    { field: 'atti', group: 'documenti', it: 'Atti', en: 'Documents', list: 'tipo_atto' },
  ],
  thresholds: [],
}

const words: DisplayWords = {
  yes: 'Sì',
  no: 'No',
  none: '—',
  parts: { 'penali.previste': 'Penali previste', 'penali.applicate_eur': 'Penali applicate (€)', 'indicatori.soglia': 'soglia' },
}

describe('displayValue', () => {
  const cases: [string, unknown, string][] = [
    ['importo_base_eur', 1234.56, '1.234,56\u00a0€'],
    ['importo_base_eur', 221000, '221.000,00\u00a0€'],
    ['penali.applicate_eur', 0.5, '0,50\u00a0€'],
    ['data_decisione', '2025-03-10', '10/03/2025'],
    ['procedura', 'aperta', 'Procedura aperta'],
    ['procedura', 'sconosciuta', 'sconosciuta'],
    ['obiettivi', ['riduzione_costi', 'innovazione'], 'Riduzione dei costi, Innovazione'],
    ['n_offerte', 12345, '12.345'],
    ['delta_costo_pct', -12.5, '-12,5 %'],
    ['valutazione_qualita', 4, '4/5'],
    ['clausola_uscita', false, 'No'],
    ['penali.previste', true, 'Sì'],
    ['penali', { previste: true, applicate_eur: 1500 }, 'Penali previste: Sì; Penali applicate (€): 1.500,00\u00a0€'],
    ['fattori_critici.sla_e_penali', 5, '5/5'],
    ['fattori_critici', { sla_e_penali: 3 }, 'SLA e penali: 3/5'],
    ['indicatori', [{ nome: 'Tempo di intervento', unita: 'ore', soglia: 4, valore: 3.5 }], 'Tempo di intervento: 3,5 ore (soglia 4 ore)'],
    ['indicatori', [{ nome: 'Solo il nome' }], 'Solo il nome'],
    ['atti', [{ name: 'capitolato.pdf', tipo: 'capitolato' }], 'capitolato.pdf (Capitolato)'],
    ['titolo', null, '—'],
    ['obiettivi', [], '—'],
    ['titolo', '', '—'],
  ]
  for (const [path, value, want] of cases) {
    it(`${path} ${JSON.stringify(value)} -> ${want}`, () => expect(displayValue(schema, path, value, 'it', words)).toBe(want))
  }
  it('labels closed lists in English', () => expect(displayValue(schema, 'procedura', 'aperta', 'en', words)).toBe('Open procedure'))
})

describe('labels and groups', () => {
  it('names parts of objects and factors', () => {
    expect(pathLabel(schema, 'penali.previste', 'it', words)).toBe('Penali previste')
    expect(pathLabel(schema, 'fattori_critici.sla_e_penali', 'en', words)).toBe('Critical factors (1–5): SLAs and penalties')
    expect(pathLabel(schema, 'procedura', 'en', words)).toBe('Procedure')
  })
  it('lists groups in form order and objects by their parts', () => {
    expect(groups(schema)).toEqual(['identita', 'strategia', 'affidamento', 'monitoraggio', 'reversibilita', 'fattori_critici', 'documenti'])
    expect(formPaths(schema).filter((p) => p.startsWith('penali'))).toEqual(['penali.previste', 'penali.applicate_eur'])
  })
})
