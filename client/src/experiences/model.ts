// The record form's model: what each field is, the form's values (text as
// typed) to and from the API's fields, the values computed from them
// (sopra_soglia_ue, the art. 50 warning) and the merge of a refused save.
import type { components } from '../api/schema'
import { centsToEuro, formatAmountInput, formatDecimalInput, parseCents, parseDecimal } from './amount'
import { formatDay, parseDay } from './dates'

type Schemas = components['schemas']
export type Fields = Schemas['ExperienceFields']
export type Experience = Schemas['Experience']
export type Summary = Schemas['ExperienceSummary']
export type ListPage = Schemas['ExperiencePage']
export type Change = Schemas['ExperienceChange']
export type Diff = Schemas['ExperienceDiff']
export type History = Schemas['ExperienceHistory']
export type Schema = Schemas['ExperienceSchema']
export type Threshold = Schema['thresholds'][number]
export type Conflict = { current_version: number; changes: Change[] }

export type Kind =
  | 'text'
  | 'ipa'
  | 'list'
  | 'multi'
  | 'date'
  | 'int'
  | 'decimal'
  | 'amount'
  | 'bool'
  | 'score'
  | 'indicators'
  | 'factors'
  | 'markdown'
  | 'documents'

/** What each field of the record is (the schema's fields; object fields by their parts). */
export const KINDS: Record<string, Kind> = {
  titolo: 'text',
  enti_associati: 'ipa',
  data_decisione: 'date',
  data_affidamento: 'date',
  data_avvio: 'date',
  data_fine_contratto: 'date',
  durata_mesi: 'int',
  obiettivi: 'multi',
  costo_interno_ante_eur_anno: 'amount',
  importo_base_eur: 'amount',
  importo_aggiudicato_eur: 'amount',
  n_offerte: 'int',
  cig: 'text',
  cpv: 'text',
  personale_coinvolto: 'int',
  clausola_sociale: 'bool',
  indicatori: 'indicators',
  'penali.previste': 'bool',
  'penali.applicate_eur': 'amount',
  'customer_satisfaction.svolta': 'bool',
  'customer_satisfaction.punteggio': 'decimal',
  delta_costo_pct: 'decimal',
  valutazione_qualita: 'score',
  clausola_uscita: 'bool',
  piano_subentro: 'bool',
  fattori_critici: 'factors',
  lezioni_apprese: 'markdown',
  atti: 'documents',
}

/** Object fields shown as their parts. */
export const PARTS: Record<string, string[]> = {
  penali: ['penali.previste', 'penali.applicate_eur'],
  customer_satisfaction: ['customer_satisfaction.svolta', 'customer_satisfaction.punteggio'],
}

/** The kind of a field path; a field with a closed list is a list unless said otherwise. */
export function kindOf(path: string, list?: string): Kind {
  return KINDS[path] ?? (list ? 'list' : 'text')
}

export interface Indicator {
  nome: string
  unita: string
  soglia: string
  valore: string
}

/** The form's values: everything as typed (amounts "1.234,56", booleans "true"/"false"/""). */
export interface FormValues {
  text: Record<string, string>
  obiettivi: string[]
  indicatori: Indicator[]
  fattori: Record<string, string>
}

export const emptyIndicator = (): Indicator => ({ nome: '', unita: '', soglia: '', valore: '' })

type Json = string | number | boolean | null | undefined | Json[] | { [k: string]: Json }
type Obj = Record<string, Json>

/** The value at a field path ("penali.previste" reads inside penali). */
export function getPath(f: Fields, path: string): Json {
  const [head, tail] = path.split('.', 2) as [string, string | undefined]
  const v = (f as unknown as Obj)[head]
  if (tail === undefined) return v
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj)[tail] : undefined
}

/** A copy of f with the value at path set; null or undefined removes it (an emptied object goes too). */
export function setPath(f: Fields, path: string, value: Json): Fields {
  const out = { ...(f as unknown as Obj) }
  const [head, tail] = path.split('.', 2) as [string, string | undefined]
  const empty = value === null || value === undefined
  if (tail === undefined) {
    if (empty) delete out[head]
    else out[head] = value
    return out as unknown as Fields
  }
  const inner = { ...((out[head] as Obj | undefined) ?? {}) }
  if (empty) delete inner[tail]
  else inner[tail] = value
  if (Object.keys(inner).length === 0) delete out[head]
  else out[head] = inner
  return out as unknown as Fields
}

const str = (v: Json) => (typeof v === 'string' ? v : '')
const boolText = (v: Json) => (v === true ? 'true' : v === false ? 'false' : '')
const num = (v: Json) => (typeof v === 'number' ? v : null)

/** The form's values for a record's fields. */
export function toForm(f: Fields): FormValues {
  const text: Record<string, string> = {}
  for (const [path, kind] of Object.entries(KINDS)) {
    const v = getPath(f, path)
    if (kind === 'amount') text[path] = formatAmountInput(num(v))
    else if (kind === 'decimal') text[path] = formatDecimalInput(num(v))
    else if (kind === 'int' || kind === 'score') text[path] = num(v) === null ? '' : String(v)
    else if (kind === 'bool') text[path] = boolText(v)
    else if (kind === 'ipa') text[path] = (f.enti_associati ?? []).join(', ')
    else if (kind === 'date') text[path] = formatDay(str(v))
    else if (kind === 'text' || kind === 'markdown') text[path] = str(v)
  }
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && !(k in text)) text[k] = v // closed lists
  const fattori: Record<string, string> = {}
  for (const [k, n] of Object.entries(f.fattori_critici ?? {})) fattori[k] = String(n)
  return {
    text,
    obiettivi: [...(f.obiettivi ?? [])],
    indicatori: (f.indicatori ?? []).map((i) => ({
      nome: i.nome,
      unita: i.unita ?? '',
      soglia: formatDecimalInput(i.soglia),
      valore: formatDecimalInput(i.valore),
    })),
    fattori,
  }
}

/** Codes of the client's own checks (the server checks everything again). */
export type LocalCode = 'amount' | 'number' | 'integer' | 'date'

/**
 * The API's fields for the form's values, and the values that do not parse
 * (path -> code): an amount that is not "1.234,56", a day that is not dd/mm/yyyy, a number that is not one.
 */
export function fromForm(v: FormValues, listFields: string[]): { fields: Fields; errors: Record<string, LocalCode> } {
  const errors: Record<string, LocalCode> = {}
  let f: Fields = { titolo: (v.text.titolo ?? '').trim() }
  const put = (path: string, value: Json) => {
    f = setPath(f, path, value)
  }
  for (const [path, kind] of Object.entries(KINDS)) {
    const raw = (v.text[path] ?? '').trim()
    if (path === 'titolo' || raw === '') continue
    switch (kind) {
      case 'amount': {
        const c = parseCents(raw)
        if (c === null) errors[path] = 'amount'
        else put(path, centsToEuro(c))
        break
      }
      case 'decimal': {
        const n = parseDecimal(raw)
        if (n === null) errors[path] = 'number'
        else put(path, n)
        break
      }
      case 'int':
      case 'score':
        if (!/^-?\d{1,9}$/.test(raw)) errors[path] = 'integer'
        else put(path, Number(raw))
        break
      case 'bool':
        put(path, raw === 'true')
        break
      case 'ipa': {
        const codes = raw.split(/[\s,;]+/).filter(Boolean)
        if (codes.length > 0) put(path, codes)
        break
      }
      case 'date': {
        const d = parseDay(raw)
        if (d === null) errors[path] = 'date'
        else put(path, d)
        break
      }
      case 'text':
      case 'markdown':
        put(path, path === 'lezioni_apprese' ? (v.text[path] ?? '') : raw)
        break
    }
  }
  for (const name of listFields) if (v.text[name]) put(name, v.text[name])
  if (v.obiettivi.length > 0) put('obiettivi', [...v.obiettivi])
  const ind = v.indicatori.map((i, n) => {
    const out: Obj = { nome: i.nome.trim() }
    if (i.unita.trim()) out.unita = i.unita.trim()
    for (const k of ['soglia', 'valore'] as const) {
      if (!i[k].trim()) continue
      const x = parseDecimal(i[k])
      if (x === null) errors[`indicatori[${n}].${k}`] = 'number'
      else out[k] = x
    }
    return out
  })
  if (ind.length > 0) put('indicatori', ind)
  const fc: Obj = {}
  for (const [k, s] of Object.entries(v.fattori)) if (s) fc[k] = Number(s)
  if (Object.keys(fc).length > 0) put('fattori_critici', fc)
  return { fields: f, errors }
}

// ---- computed, never typed -------------------------------------------------

/** Art. 50 d.lgs. 36/2023: direct awards stay below these (euro). */
export const DIRECT_AWARD_LIMIT = { services: 140_000, works: 150_000 }

export interface Derived {
  /** null: the amount, the date or the kind of contract is missing, or the date is before the table. */
  above: boolean | null
  threshold: number | null
  /** The art. 50 limit a direct award reaches, if it does. */
  directAwardLimit: number | null
}

/**
 * sopra_soglia_ue as the server computes it: the base amount (else the
 * awarded one) against the EU threshold in force on the decision date
 * (else the award date) for the kind of contract and the body's category
 * (central government: ministero). Equal is above.
 */
export function derive(f: Fields, category: string | null, thresholds: Threshold[]): Derived {
  const amount = f.importo_base_eur ?? f.importo_aggiudicato_eur
  const day = f.data_decisione || f.data_affidamento || ''
  const out: Derived = { above: null, threshold: null, directAwardLimit: null }
  const period = day ? thresholds.find((t) => day >= t.from && (t.to === '' || day <= t.to)) : undefined
  if (amount !== undefined && period) {
    let th: number | null = null
    switch (f.tipo_contratto) {
      case 'lavori':
        th = period.works_eur
        break
      case 'concessione':
        th = period.concessions_eur
        break
      case 'servizi':
      case 'forniture':
        th = category === null ? null : category === 'ministero' ? period.central_eur : period.other_eur
        break
    }
    if (th !== null) {
      out.threshold = th
      out.above = amount >= th
    }
  }
  if (f.procedura === 'affidamento_diretto' && amount !== undefined && (!f.normativa || f.normativa === 'dlgs_36_2023') && f.tipo_contratto !== 'concessione') {
    const limit = f.tipo_contratto === 'lavori' ? DIRECT_AWARD_LIMIT.works : DIRECT_AWARD_LIMIT.services
    if (amount >= limit) out.directAwardLimit = limit
  }
  return out
}

// ---- merging a refused save ------------------------------------------------

/** Stable JSON for comparing values (object keys sorted; absent = null). */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null'
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']'
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonical(o[k])).join(',') + '}'
  }
  return JSON.stringify(v)
}

export type Choice = 'mine' | 'theirs'

export interface ConflictRow {
  field: string
  /** The value when the form was loaded. */
  base: unknown
  mine: unknown
  /** The value saved meanwhile (now current). */
  theirs: unknown
  by_name: string
  at: string
  /** Whether I changed it too, to something else: only then is there a choice to make. */
  clash: boolean
  /** The proposed choice: theirs when I left it alone or agree, else mine. */
  choice: Choice
}

/** The fields changed since the form was loaded, side by side with what the form holds now. */
export function conflictRows(base: Fields, mine: Fields, changes: Change[]): ConflictRow[] {
  return changes
    .filter((c) => c.field !== 'status' && c.field !== 'atti')
    .map((c) => {
      const m = getPath(mine, c.field)
      const b = getPath(base, c.field)
      const clash = canonical(m) !== canonical(b) && canonical(m) !== canonical(c.to)
      return { field: c.field, base: b, mine: m, theirs: c.to, by_name: c.by_name, at: c.at, clash, choice: clash ? 'mine' : 'theirs' }
    })
}

/** The fields to save after choosing, per row, mine or theirs. */
export function applyMerge(mine: Fields, rows: ConflictRow[], choices: Record<string, Choice>): Fields {
  let out = mine
  for (const r of rows) {
    if ((choices[r.field] ?? r.choice) === 'theirs') out = setPath(out, r.field, r.theirs as Json)
  }
  return out
}

/** The current version's fields: the base with every change of the conflict applied. */
export function currentFields(base: Fields, changes: Change[]): Fields {
  let out = base
  for (const c of changes) if (c.field !== 'status' && c.field !== 'atti') out = setPath(out, c.field, c.to as Json)
  return out
}
