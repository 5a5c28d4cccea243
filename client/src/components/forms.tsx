/**
 * Form building blocks shared by every page:
 *   const form = useForm({ email: '', password: '' })
 *   <form onSubmit={form.handleSubmit(validate, async (v) => api.post(...))} noValidate>
 *     <ErrorSummary form={form} labels={{ email: t.account.fields.email }} />
 *     <TextField form={form} name="email" label=... />
 * Field errors from the API (`error.fields`, keys like `referente.email`)
 * land next to the field with the same name; other errors in an alert.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { ApiError } from '../api/client'
import { useT, type T } from '../i18n'

export type Errors = Record<string, string>

export interface Form<V extends Record<string, string>> {
  values: V
  set: (name: keyof V & string, value: string) => void
  setValues: (v: V) => void
  errors: Errors
  general: string
  success: string
  setSuccess: (s: string) => void
  submitting: boolean
  /** Bumped on every failed submit so the summary takes the focus again. */
  attempt: number
  handleSubmit: (validate: (v: V) => Errors, action: (v: V) => Promise<void | string>) => (e: FormEvent) => void
}

export function fieldId(name: string): string {
  return 'f-' + name.replace(/[^a-zA-Z0-9_-]/g, '-')
}

/** Message for an API error that is not about one field. */
export function apiErrorMessage(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t.common.errors.network
    if (err.code === 'rate_limited') return t.common.errors.rateLimited(err.retryAfter ?? 60)
    if (err.status >= 500) return t.common.errors.generic
    return err.message || t.common.errors.generic
  }
  return t.common.errors.generic
}

export function useForm<V extends Record<string, string>>(initial: V): Form<V> {
  const t = useT()
  const [values, setValues] = useState<V>(initial)
  const [errors, setErrors] = useState<Errors>({})
  const [general, setGeneral] = useState('')
  const [success, setSuccess] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [attempt, setAttempt] = useState(0)
  const valuesRef = useRef(values)
  valuesRef.current = values

  const set = useCallback((name: keyof V & string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }))
    setErrors((e) => {
      if (!(name in e)) return e
      const { [name]: _drop, ...rest } = e
      void _drop
      return rest
    })
  }, [])

  const handleSubmit = useCallback(
    (validate: (v: V) => Errors, action: (v: V) => Promise<void | string>) => (e: FormEvent) => {
      e.preventDefault()
      if (submitting) return
      const v = valuesRef.current
      const errs = validate(v)
      setGeneral('')
      setSuccess('')
      if (Object.keys(errs).length > 0) {
        setErrors(errs)
        setAttempt((a) => a + 1)
        return
      }
      setErrors({})
      setSubmitting(true)
      action(v)
        .then((msg) => {
          if (typeof msg === 'string') setSuccess(msg)
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
            setErrors(err.fields)
            // A message that is not just a restatement of the fields.
            if (err.code !== 'validation_failed' && err.code !== 'invalid' && err.message && !Object.values(err.fields).includes(err.message)) {
              setGeneral(err.message)
            }
          } else {
            setGeneral(apiErrorMessage(err, t))
          }
          setAttempt((a) => a + 1)
        })
        .finally(() => setSubmitting(false))
    },
    [submitting, t],
  )

  return { values, set, setValues, errors, general, success, setSuccess, submitting, attempt, handleSubmit }
}

/** The list of errors at the top of a form; takes the focus after a failed submit. */
export function ErrorSummary<V extends Record<string, string>>({ form, labels }: { form: Form<V>; labels: Record<string, string> }) {
  return <ErrorList errors={form.errors} general={form.general} attempt={form.attempt} labels={labels} />
}

/**
 * ErrorSummary for forms that keep their own state (e.g. the new-thread
 * form, whose body lives in the composer): bump attempt on every failed
 * submit so the list takes the focus again.
 */
export function ErrorList({
  errors,
  general,
  attempt,
  labels,
  onFollow,
}: {
  errors: Errors
  general: string
  attempt: number
  labels: Record<string, string>
  /** Brings a field into view before it takes the focus (a form in steps shows its step). */
  onFollow?: (name: string) => void
}) {
  const t = useT()
  const ref = useRef<HTMLDivElement>(null)
  const entries = Object.entries(errors)
  const show = entries.length > 0 || general !== ''
  useEffect(() => {
    if (attempt > 0 && ref.current) ref.current.focus()
  }, [attempt])
  if (!show) return null
  return (
    <div ref={ref} tabIndex={-1} className="alert alert-danger error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" className="h5">
        {t.common.errors.summaryTitle}
      </h2>
      {general ? <p className="mb-2">{general}</p> : null}
      {entries.length > 0 ? (
        <>
          <p className="mb-1">{t.common.errors.summaryIntro(entries.length)}</p>
          <ul className="mb-0">
            {entries.map(([name, msg]) => (
              <li key={name}>
                <a href={'#' + fieldId(name)} onClick={(e) => (onFollow ? follow(e, name, onFollow) : focusField(e, name))}>
                  {labels[name] ? `${labels[name]}: ` : ''}
                  {msg}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  )
}

function follow(e: React.MouseEvent, name: string, onFollow: (name: string) => void) {
  e.preventDefault()
  onFollow(name)
  // After the render that shows it.
  window.setTimeout(() => document.getElementById(fieldId(name))?.focus(), 0)
}

function focusField(e: React.MouseEvent, name: string) {
  const el = document.getElementById(fieldId(name))
  if (el) {
    e.preventDefault()
    el.focus()
  }
}

interface FieldProps<V extends Record<string, string>> {
  form: Form<V>
  name: keyof V & string
  label: string
  hint?: ReactNode
  required?: boolean
}

/** aria-describedby for a control with an optional hint and error (FieldMessages' ids). */
export function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? id + '-hint' : '', error ? id + '-error' : ''].filter(Boolean).join(' ')
  return ids || undefined
}

/** A control's hint and error, with the ids describedBy names. */
export function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint ? (
        <small id={id + '-hint'} className="form-text">
          {hint}
        </small>
      ) : null}
      {error ? (
        <div id={id + '-error'} className="invalid-feedback d-block">
          {error}
        </div>
      ) : null}
    </>
  )
}

function Label({ id, label, required }: { id: string; label: string; required?: boolean }) {
  const t = useT()
  return (
    <label htmlFor={id} className="active">
      {label}
      {required ? (
        <span className="text-danger" title={t.common.required}>
          {' '}
          *<span className="visually-hidden"> ({t.common.required})</span>
        </span>
      ) : null}
    </label>
  )
}

export function TextField<V extends Record<string, string>>({
  form,
  name,
  label,
  hint,
  required,
  type = 'text',
  autoComplete,
  maxLength,
  multiline,
}: FieldProps<V> & { type?: 'text' | 'email' | 'password' | 'search' | 'url'; autoComplete?: string; maxLength?: number; multiline?: boolean }) {
  const id = fieldId(name)
  const error = form.errors[name]
  const common = {
    id,
    name,
    value: form.values[name],
    className: 'form-control' + (error ? ' is-invalid' : ''),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, !!hint, !!error),
    'aria-required': required ? true : undefined,
    maxLength,
  }
  return (
    <div className="form-group">
      <Label id={id} label={label} required={required} />
      {multiline ? (
        <textarea {...common} rows={4} onChange={(e) => form.set(name, e.target.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} onChange={(e) => form.set(name, e.target.value)} />
      )}
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  )
}

export function SelectField<V extends Record<string, string>>({
  form,
  name,
  label,
  hint,
  required,
  options,
  placeholder,
}: FieldProps<V> & { options: { value: string; label: string }[]; placeholder?: string }) {
  const id = fieldId(name)
  const error = form.errors[name]
  return (
    <div className="select-wrapper mb-4">
      <Label id={id} label={label} required={required} />
      <select
        id={id}
        name={name}
        value={form.values[name]}
        className={error ? 'is-invalid' : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, !!hint, !!error)}
        aria-required={required ? true : undefined}
        onChange={(e) => form.set(name, e.target.value)}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  )
}

/** Success message announced politely. */
export function SuccessMessage({ text }: { text: string }) {
  return (
    <div role="status" aria-live="polite">
      {text ? <div className="alert alert-success">{text}</div> : null}
    </div>
  )
}

/** Shared client-side checks (the server stays the authority). */
export const check = {
  required: (v: string) => v.trim() !== '',
  email: (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()),
  password: (v: string) => v.length >= 10 && v.length <= 128,
  ipa: (v: string) => /^[A-Za-z0-9_]{2,11}$/.test(v.trim()),
}

export function useUniqueId(prefix: string): string {
  return prefix + useId().replace(/:/g, '')
}
