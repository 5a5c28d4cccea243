// GET /experiences/schema, read once per page load: the closed lists with
// their labels, the fields in form order with their group, the EU
// thresholds. Labels come from here in the UI's language; the client's own
// dictionary only names groups and the parts of object fields.
import { useEffect, useState } from 'react'
import { api } from '../api/client'
import type { Lang } from '../i18n'
import { formatEuro, formatNumber } from '../i18n/format'
import type { Schema } from './model'
import { KINDS, kindOf } from './model'
import { formatDay } from './dates'

export { formatDay } from './dates'

let cached: Promise<Schema> | null = null

export function loadSchema(): Promise<Schema> {
  if (!cached) {
    cached = api.get<Schema>('/experiences/schema')
    cached.catch(() => {
      cached = null // a failure is not kept: the next page asks again
    })
  }
  return cached
}

/** The schema, null while it loads; error set when it could not. */
export function useSchema(): { schema: Schema | null; error: unknown } {
  const [state, setState] = useState<{ schema: Schema | null; error: unknown }>({ schema: null, error: null })
  useEffect(() => {
    let live = true
    loadSchema().then(
      (schema) => live && setState({ schema, error: null }),
      (error: unknown) => live && setState({ schema: null, error }),
    )
    return () => {
      live = false
    }
  }, [])
  return state
}

export interface Option {
  value: string
  label: string
}

/** A closed list's options in lang. */
export function options(schema: Schema, list: string, lang: Lang): Option[] {
  return (schema.lists.find((l) => l.name === list)?.options ?? []).map((o) => ({ value: o.value, label: o[lang] }))
}

/** A closed list value's label in lang (the value itself if unknown). */
export function optionLabel(schema: Schema, list: string, value: string, lang: Lang): string {
  return schema.lists.find((l) => l.name === list)?.options.find((o) => o.value === value)?.[lang] ?? value
}

export type FieldDef = Schema['fields'][number]

export function fieldDef(schema: Schema, field: string): FieldDef | undefined {
  return schema.fields.find((f) => f.field === field)
}

/** The groups in form order. */
export function groups(schema: Schema): string[] {
  const out: string[] = []
  for (const f of schema.fields) if (!out.includes(f.group)) out.push(f.group)
  return out
}

export interface DisplayWords {
  yes: string
  no: string
  none: string
  /** Names of object fields' parts and of the fields the schema has no row for. */
  parts: Record<string, string>
}

/**
 * A field path's label: the schema's, or for parts of objects
 * ("penali.previste", "fattori_critici.sla_e_penali") the part's.
 */
export function pathLabel(schema: Schema, path: string, lang: Lang, words: DisplayWords): string {
  const direct = fieldDef(schema, path)
  if (direct) return direct[lang]
  if (words.parts[path]) return words.parts[path]
  const [head, tail] = path.split('.', 2)
  const def = fieldDef(schema, head)
  if (def && tail) {
    const part = def.list ? optionLabel(schema, def.list, tail, lang) : words.parts[path] ?? tail
    return `${def[lang]}: ${part}`
  }
  return words.parts[path] ?? path
}

/**
 * A value as people read it: labels of closed lists, "1.234,56 €",
 * dd/mm/yyyy, yes/no, indicators as "name: value unit (threshold …)".
 */
export function displayValue(schema: Schema, path: string, value: unknown, lang: Lang, words: DisplayWords): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return words.none
  const [head, tail] = path.split('.', 2)
  const def = fieldDef(schema, head)
  if (head === 'fattori_critici' && tail) return `${value}/5`
  if (head === 'fattori_critici' && typeof value === 'object') {
    return Object.entries(value as Record<string, number>)
      .map(([k, n]) => `${optionLabel(schema, 'fattori_critici', k, lang)}: ${n}/5`)
      .join('; ')
  }
  if (head === 'atti' && Array.isArray(value)) {
    return (value as { name?: string; tipo?: string }[]).map((d) => `${d.name ?? ''} (${optionLabel(schema, 'tipo_atto', d.tipo ?? '', lang)})`).join('; ')
  }
  if (head === 'indicatori' && Array.isArray(value)) {
    return (value as { nome: string; unita?: string; soglia?: number; valore?: number }[])
      .map((i) => {
        const u = i.unita ? ' ' + i.unita : ''
        const v = i.valore !== undefined ? `: ${formatNumber(i.valore)}${u}` : ''
        const s = i.soglia !== undefined ? ` (${words.parts['indicatori.soglia'] ?? 'soglia'} ${formatNumber(i.soglia)}${u})` : ''
        return i.nome + v + s
      })
      .join('; ')
  }
  if (head === 'penali' || head === 'customer_satisfaction') {
    if (typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${words.parts[head + '.' + k] ?? k}: ${displayValue(schema, head + '.' + k, v, lang, words)}`)
        .join('; ')
    }
  }
  const kind = kindOf(path, def?.list)
  if (typeof value === 'boolean') return value ? words.yes : words.no
  if (kind === 'amount' && typeof value === 'number') return formatEuro(value)
  if (kind === 'date' && typeof value === 'string') return formatDay(value)
  if ((kind === 'decimal' || kind === 'int') && typeof value === 'number') {
    return formatNumber(value) + (path === 'delta_costo_pct' ? ' %' : '')
  }
  if (kind === 'score' && typeof value === 'number') return `${value}/5`
  if (def?.list && typeof value === 'string') return optionLabel(schema, def.list, value, lang)
  if (def?.list && Array.isArray(value)) return value.map((v) => optionLabel(schema, def.list ?? '', String(v), lang)).join(', ')
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

/** Every field path the form shows, in schema order (objects by their parts). */
export function formPaths(schema: Schema): string[] {
  const out: string[] = []
  for (const f of schema.fields) {
    if (f.field === 'penali' || f.field === 'customer_satisfaction') out.push(...Object.keys(KINDS).filter((k) => k.startsWith(f.field + '.')))
    else out.push(f.field)
  }
  return out
}
