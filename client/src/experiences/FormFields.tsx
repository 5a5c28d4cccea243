// The record form's controls, one per kind of field. Each control's id is
// fieldId(path) (the error summary's links focus it); its error sits next
// to it and describes it.
import type { ReactNode } from 'react'
import { useI18n } from '../i18n'
import { describedBy, FieldMessages, fieldId } from '../components/forms'
import { MarkdownPreview } from '../forum/MarkdownPreview'
import { formatAmountInput, parseCents, centsToEuro } from './amount'
import { emptyIndicator, kindOf, type FormValues, type Indicator, type Schema } from './model'
import { fieldDef, options } from './schema'

export interface FieldProps {
  schema: Schema
  path: string
  label: string
  values: FormValues
  errors: Record<string, string>
  onText: (path: string, v: string) => void
  onValues: (f: (v: FormValues) => FormValues) => void
  hint?: ReactNode
  required?: boolean
}

function Required() {
  const { t } = useI18n()
  return (
    <span className="text-danger" title={t.common.required}>
      {' '}
      *<span className="visually-hidden"> ({t.common.required})</span>
    </span>
  )
}

/** One field of the record, drawn for its kind. */
export function RecordField(p: FieldProps) {
  const { t, lang } = useI18n()
  const tf = t.experiences.form
  const def = fieldDef(p.schema, p.path)
  const kind = kindOf(p.path, def?.list)
  const id = fieldId(p.path)
  const error = p.errors[p.path]
  const value = p.values.text[p.path] ?? ''
  const input = {
    id,
    name: p.path,
    className: 'form-control' + (error ? ' is-invalid' : ''),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, !!p.hint, !!error),
    'aria-required': p.required ? true : undefined,
  }
  const label = (
    <label htmlFor={id} className="active">
      {p.label}
      {p.required ? <Required /> : null}
    </label>
  )
  switch (kind) {
    case 'list':
    case 'bool': {
      const opts =
        kind === 'bool'
          ? [
              { value: 'true', label: t.experiences.yes },
              { value: 'false', label: t.experiences.no },
            ]
          : options(p.schema, def?.list ?? '', lang)
      return (
        <div className="select-wrapper mb-4">
          {label}
          <select {...input} className={error ? 'is-invalid' : undefined} value={value} onChange={(e) => p.onText(p.path, e.target.value)}>
            <option value="">{kind === 'bool' ? t.experiences.notGiven : tf.choose}</option>
            {opts.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <FieldMessages id={id} hint={p.hint} error={error} />
        </div>
      )
    }
    case 'multi':
      return (
        <fieldset className="mb-4" aria-describedby={describedBy(id, !!p.hint, !!error)}>
          <legend className="exp-legend">{p.label}</legend>
          {options(p.schema, def?.list ?? '', lang).map((o, i) => (
            <div className="form-check" key={o.value}>
              <input
                id={i === 0 ? id : `${id}-${o.value}`}
                type="checkbox"
                checked={p.values.obiettivi.includes(o.value)}
                onChange={(e) =>
                  p.onValues((v) => ({ ...v, obiettivi: e.target.checked ? [...v.obiettivi, o.value] : v.obiettivi.filter((x) => x !== o.value) }))
                }
              />
              <label htmlFor={i === 0 ? id : `${id}-${o.value}`}>{o.label}</label>
            </div>
          ))}
          <FieldMessages id={id} hint={p.hint} error={error} />
        </fieldset>
      )
    case 'score':
      return (
        <fieldset className="mb-4" aria-describedby={describedBy(id, !!p.hint, !!error)}>
          <legend className="exp-legend">{p.label}</legend>
          <Scale name={p.path} id={id} value={value} onChange={(v) => p.onText(p.path, v)} />
          <FieldMessages id={id} hint={p.hint} error={error} />
        </fieldset>
      )
    case 'markdown':
      return (
        <div className="form-group">
          {label}
          <textarea {...input} rows={10} value={value} onChange={(e) => p.onText(p.path, e.target.value)} />
          <FieldMessages id={id} hint={p.hint} error={error} />
          <MarkdownPreview value={value} id={id} />
        </div>
      )
    case 'indicators':
      return <Indicators {...p} />
    case 'factors':
      return <Factors {...p} />
    case 'documents':
      return null
    default: {
      const inputMode = kind === 'amount' || kind === 'decimal' ? 'decimal' : kind === 'int' ? 'numeric' : undefined
      return (
        <div className="form-group">
          {label}
          <input
            {...input}
            type="text"
            autoComplete="off"
            inputMode={inputMode}
            value={value}
            maxLength={kind === 'text' ? 200 : undefined}
            onChange={(e) => p.onText(p.path, e.target.value)}
            onBlur={
              kind === 'amount'
                ? () => {
                    // Written back the Italian way once it reads as an amount.
                    const c = parseCents(value)
                    if (c !== null) p.onText(p.path, formatAmountInput(centsToEuro(c)))
                  }
                : undefined
            }
          />
          <FieldMessages id={id} hint={p.hint} error={error} />
        </div>
      )
    }
  }
}

/** Radios 1..5 and "not rated". */
function Scale({ name, id, value, onChange, label }: { name: string; id: string; value: string; onChange: (v: string) => void; label?: string }) {
  const { t } = useI18n()
  return (
    <div className="exp-scale d-flex flex-wrap gap-3" role={label ? 'radiogroup' : undefined} aria-label={label}>
      {['', '1', '2', '3', '4', '5'].map((n) => (
        <div className="form-check form-check-inline m-0" key={n}>
          <input
            id={n === '' ? id : `${id}-${n}`}
            name={name}
            type="radio"
            value={n}
            checked={value === n}
            onChange={() => onChange(n)}
          />
          <label htmlFor={n === '' ? id : `${id}-${n}`}>{n === '' ? t.experiences.form.factorNone : n}</label>
        </div>
      ))}
    </div>
  )
}

function Factors(p: FieldProps) {
  const { t, lang } = useI18n()
  const id = fieldId(p.path)
  const error = p.errors[p.path]
  return (
    <fieldset className="mb-4" aria-describedby={id + '-hint' + (error ? ' ' + id + '-error' : '')}>
      <legend className="exp-legend">{p.label}</legend>
      <FieldMessages id={id} hint={t.experiences.form.factorsHint} error={error} />
      {options(p.schema, 'fattori_critici', lang).map((o) => {
        const path = `fattori_critici.${o.value}`
        const fid = fieldId(path)
        const ferr = p.errors[path]
        return (
          <fieldset key={o.value} className="exp-factor mt-3" aria-describedby={ferr ? fid + '-error' : undefined}>
            <legend className="exp-factor-legend">{o.label}</legend>
            <Scale
              name={path}
              id={fid}
              value={p.values.fattori[o.value] ?? ''}
              onChange={(v) => p.onValues((vals) => ({ ...vals, fattori: { ...vals.fattori, [o.value]: v } }))}
            />
            <FieldMessages id={fid} error={ferr} />
          </fieldset>
        )
      })}
    </fieldset>
  )
}

function Indicators(p: FieldProps) {
  const { t } = useI18n()
  const tf = t.experiences.form
  const list = p.values.indicatori
  const id = fieldId(p.path)
  const set = (i: number, k: keyof Indicator, v: string) =>
    p.onValues((vals) => ({ ...vals, indicatori: vals.indicatori.map((x, n) => (n === i ? { ...x, [k]: v } : x)) }))
  const remove = (i: number) => {
    p.onValues((vals) => ({ ...vals, indicatori: vals.indicatori.filter((_, n) => n !== i) }))
    // The focus goes to the add button rather than to nowhere.
    window.setTimeout(() => document.getElementById(id)?.focus(), 0)
  }
  const add = () => {
    p.onValues((vals) => ({ ...vals, indicatori: [...vals.indicatori, emptyIndicator()] }))
    window.setTimeout(() => document.getElementById(fieldId(`indicatori[${list.length}].nome`))?.focus(), 0)
  }
  const error = p.errors[p.path]
  return (
    <fieldset className="mb-4" aria-describedby={error ? id + '-error' : undefined}>
      <legend className="exp-legend">{p.label}</legend>
      {list.length === 0 ? <p>{tf.noIndicators}</p> : null}
      {list.map((ind, i) => (
        <fieldset key={i} className="exp-indicator border rounded p-3 mb-3">
          <legend className="exp-factor-legend">{tf.indicator(i + 1)}</legend>
          <div className="row">
            {(
              [
                ['nome', tf.indicatorName],
                ['unita', tf.indicatorUnit],
                ['soglia', tf.indicatorThreshold],
                ['valore', tf.indicatorValue],
              ] as const
            ).map(([k, label]) => {
              const path = `indicatori[${i}].${k}`
              const fid = fieldId(path)
              const ferr = p.errors[path]
              return (
                <div className="col-12 col-md-6" key={k}>
                  <div className="form-group">
                    <label htmlFor={fid} className="active">
                      {label}
                      {k === 'nome' ? <Required /> : null}
                    </label>
                    <input
                      id={fid}
                      type="text"
                      inputMode={k === 'soglia' || k === 'valore' ? 'decimal' : undefined}
                      className={'form-control' + (ferr ? ' is-invalid' : '')}
                      aria-invalid={ferr ? true : undefined}
                      aria-describedby={ferr ? fid + '-error' : undefined}
                      value={ind[k]}
                      onChange={(e) => set(i, k, e.target.value)}
                    />
                    <FieldMessages id={fid} error={ferr} />
                  </div>
                </div>
              )
            })}
          </div>
          <button type="button" className="btn btn-outline-danger btn-sm" onClick={() => remove(i)}>
            {tf.removeIndicator(i + 1)}
          </button>
        </fieldset>
      ))}
      <button id={id} type="button" className="btn btn-outline-primary btn-sm" onClick={add}>
        {tf.addIndicator}
      </button>
      <FieldMessages id={id} error={error} />
    </fieldset>
  )
}
