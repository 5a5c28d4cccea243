import { describe, expect, it } from 'vitest'
import { applyMerge, conflictRows, currentFields, derive, fromForm, toForm, type Change, type Fields, type Threshold } from './model'

const LISTS = ['ambito', 'procedura', 'tipo_contratto', 'normativa', 'esito', 'modello', 'tipo_attivita']

describe('form values <-> fields', () => {
  const full: Fields = {
    titolo: 'Pulizie degli uffici',
    enti_associati: ['c_a662', 'c_f205'],
    ambito: 'pulizie',
    data_decisione: '2024-03-01',
    durata_mesi: 36,
    obiettivi: ['riduzione_costi', 'qualita_servizio'],
    importo_base_eur: 1234567.89,
    importo_aggiudicato_eur: 1000000,
    cig: 'A1B2C3D4E5',
    clausola_sociale: false,
    indicatori: [{ nome: 'Tempo di intervento', unita: 'ore', soglia: 4, valore: 3.5 }],
    penali: { previste: true, applicate_eur: 1500.5 },
    customer_satisfaction: { svolta: true, punteggio: 82.5 },
    delta_costo_pct: -12.5,
    valutazione_qualita: 4,
    fattori_critici: { sla_e_penali: 5, analisi_make_or_buy: 2 },
    lezioni_apprese: '## Cosa rifaremmo\n\n- il capitolato',
  }
  it('round-trips every kind of field', () => {
    const v = toForm(full)
    expect(v.text.importo_base_eur).toBe('1.234.567,89')
    expect(v.text['penali.applicate_eur']).toBe('1.500,50')
    expect(v.text.delta_costo_pct).toBe('-12,5')
    expect(v.text.clausola_sociale).toBe('false')
    expect(v.text.data_decisione).toBe('01/03/2024')
    expect(v.indicatori[0].valore).toBe('3,5')
    expect(fromForm(v, LISTS)).toEqual({ fields: full, errors: {} })
  })
  it('names the values that do not parse by their field path', () => {
    const v = toForm({ titolo: 'x' })
    v.text.importo_base_eur = '12,345'
    v.text.durata_mesi = '3,5'
    v.text.data_avvio = '31/02/2024'
    v.text['customer_satisfaction.punteggio'] = 'tanto'
    v.indicatori = [{ nome: 'a', unita: '', soglia: 'x', valore: '' }]
    expect(fromForm(v, LISTS).errors).toEqual({
      importo_base_eur: 'amount',
      durata_mesi: 'integer',
      data_avvio: 'date',
      'customer_satisfaction.punteggio': 'number',
      'indicatori[0].soglia': 'number',
    })
  })
  it('leaves out what was not given', () => {
    const v = toForm({ titolo: 'Solo il titolo' })
    v.text['penali.previste'] = ''
    expect(fromForm(v, LISTS).fields).toEqual({ titolo: 'Solo il titolo' })
  })
})

const TH: Threshold[] = [
  { from: '2024-01-01', to: '2025-12-31', central_eur: 143000, other_eur: 221000, works_eur: 5538000, concessions_eur: 5538000, regulation: '' },
  { from: '2026-01-01', to: '', central_eur: 140000, other_eur: 216000, works_eur: 5404000, concessions_eur: 5404000, regulation: '' },
]

describe('derive (sopra_soglia_ue, art. 50)', () => {
  const cases: { name: string; f: Fields; cat: string | null; above: boolean | null; th: number | null; art50: number | null }[] = [
    { name: 'services 2025, comune, below', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 220999.99, data_decisione: '2025-06-01' }, cat: 'comune', above: false, th: 221000, art50: null },
    { name: 'services 2025, comune, equal is above', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 221000, data_decisione: '2025-06-01' }, cat: 'comune', above: true, th: 221000, art50: null },
    { name: 'services 2026, ministero', f: { titolo: 'x', tipo_contratto: 'forniture', importo_base_eur: 141000, data_decisione: '2026-01-01' }, cat: 'ministero', above: true, th: 140000, art50: null },
    { name: 'services 2025, ministero', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 141000, data_decisione: '2025-12-31' }, cat: 'ministero', above: false, th: 143000, art50: null },
    { name: 'works 2026', f: { titolo: 'x', tipo_contratto: 'lavori', importo_aggiudicato_eur: 5404000, data_affidamento: '2026-02-01' }, cat: 'comune', above: true, th: 5404000, art50: null },
    { name: 'base before awarded, decision before award', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 100000, importo_aggiudicato_eur: 300000, data_decisione: '2024-05-01', data_affidamento: '2030-01-01' }, cat: 'comune', above: false, th: 221000, art50: null },
    { name: 'no date', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 1e6 }, cat: 'comune', above: null, th: null, art50: null },
    { name: 'before the table', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 1e6, data_decisione: '2015-01-01' }, cat: 'comune', above: null, th: null, art50: null },
    { name: 'no kind', f: { titolo: 'x', importo_base_eur: 1e6, data_decisione: '2025-01-01' }, cat: 'comune', above: null, th: null, art50: null },
    { name: 'category unknown yet', f: { titolo: 'x', tipo_contratto: 'servizi', importo_base_eur: 1e6, data_decisione: '2025-01-01' }, cat: null, above: null, th: null, art50: null },
    { name: 'direct award of services at the limit', f: { titolo: 'x', tipo_contratto: 'servizi', procedura: 'affidamento_diretto', importo_base_eur: 140000 }, cat: 'comune', above: null, th: null, art50: 140000 },
    { name: 'direct award of works below', f: { titolo: 'x', tipo_contratto: 'lavori', procedura: 'affidamento_diretto', importo_base_eur: 149999.99 }, cat: 'comune', above: null, th: null, art50: null },
    { name: 'direct award under the old law', f: { titolo: 'x', tipo_contratto: 'servizi', procedura: 'affidamento_diretto', normativa: 'dlgs_50_2016', importo_base_eur: 200000 }, cat: 'comune', above: null, th: null, art50: null },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const d = derive(c.f, c.cat, TH)
      expect([d.above, d.threshold, d.directAwardLimit]).toEqual([c.above, c.th, c.art50])
    })
  }
})

describe('merging a refused save', () => {
  const base: Fields = { titolo: 'Mensa', procedura: 'aperta', esito: 'in_esecuzione', penali: { previste: false }, fattori_critici: { sla_e_penali: 3 } }
  const change = (field: string, from: unknown, to: unknown): Change => ({ field, from, to, version: 3, by_name: 'Bruno Neri', at: '2026-12-02T08:00:00Z' })
  const changes = [
    change('procedura', 'aperta', 'ristretta'),
    change('esito', 'in_esecuzione', 'concluso_rinnovato'),
    change('penali.previste', false, true),
    change('fattori_critici.sla_e_penali', 3, null),
    change('status', 'draft', 'published'),
  ]
  const mine: Fields = { ...base, procedura: 'negoziata_con_bando', esito: 'concluso_rinnovato', titolo: 'Mensa scolastica' }

  it('proposes theirs where I did not change or agree, mine where both changed', () => {
    const rows = conflictRows(base, mine, changes)
    expect(rows.map((r) => [r.field, r.clash, r.choice])).toEqual([
      ['procedura', true, 'mine'],
      ['esito', false, 'theirs'],
      ['penali.previste', false, 'theirs'],
      ['fattori_critici.sla_e_penali', false, 'theirs'],
    ])
    expect(rows[0]).toMatchObject({ base: 'aperta', mine: 'negoziata_con_bando', theirs: 'ristretta', by_name: 'Bruno Neri' })
  })

  const cases: { name: string; choices: Record<string, 'mine' | 'theirs'>; want: Fields }[] = [
    {
      name: 'the proposed choices',
      choices: {},
      want: { titolo: 'Mensa scolastica', procedura: 'negoziata_con_bando', esito: 'concluso_rinnovato', penali: { previste: true } },
    },
    {
      name: 'theirs everywhere',
      choices: { procedura: 'theirs' },
      want: { titolo: 'Mensa scolastica', procedura: 'ristretta', esito: 'concluso_rinnovato', penali: { previste: true } },
    },
    {
      name: 'mine everywhere',
      choices: { procedura: 'mine', esito: 'mine', 'penali.previste': 'mine', 'fattori_critici.sla_e_penali': 'mine' },
      want: { ...mine },
    },
  ]
  for (const c of cases) {
    it(c.name, () => expect(applyMerge(mine, conflictRows(base, mine, changes), c.choices)).toEqual(c.want))
  }

  it('the current version is the base with their changes', () => {
    expect(currentFields(base, changes)).toEqual({ titolo: 'Mensa', procedura: 'ristretta', esito: 'concluso_rinnovato', penali: { previste: true } })
  })
})
