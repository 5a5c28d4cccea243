import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { api, ApiError } from '../api/client'
import type { Administration } from '../api/types'
import { useI18n } from '../i18n'
import { formatEuro } from '../i18n/format'
import { Loading, Page } from '../components/Page'
import { apiErrorMessage, ErrorList } from '../components/forms'
import NotFound from '../pages/NotFound'
import { useSession } from '../session/SessionContext'
import { conflictOf, experiencesApi } from './api'
import { RecordField } from './FormFields'
import { ConflictPanel } from './ConflictPanel'
import {
  applyMerge,
  canonical,
  conflictRows,
  currentFields,
  derive,
  fromForm,
  toForm,
  type Choice,
  type Conflict,
  type ConflictRow,
  type Experience,
  type Fields,
  type FormValues,
  type Schema,
} from './model'
import { fieldDef, formPaths, groups, pathLabel, useSchema } from './schema'
import { useDisplayWords } from './parts'

/** The group (step) a field path belongs to: "indicatori[1].nome" is in indicatori's. */
function groupOf(schema: Schema, path: string): string {
  const head = path.split(/[.[]/)[0]
  return fieldDef(schema, head)?.group ?? ''
}

/** /esperienze/nuova and /esperienze/:id/modifica. */
export default function ExperienceFormRoute() {
  const { id } = useParams()
  const { schema, error: schemaError } = useSchema()
  const { t } = useI18n()
  const [record, setRecord] = useState<Experience | null | 'missing'>(id ? null : 'missing')
  const [loadError, setLoadError] = useState('')
  useEffect(() => {
    if (!id) return
    experiencesApi.get(id).then(setRecord, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setRecord('missing')
      else setLoadError(apiErrorMessage(e, t))
    })
  }, [id, t])
  if (schemaError || loadError) return <Page title={t.experiences.form.newTitle}><div className="alert alert-danger" role="alert">{loadError || apiErrorMessage(schemaError, t)}</div></Page>
  if (!schema || record === null) return <Loading />
  if (id && record === 'missing') return <NotFound />
  if (record !== 'missing' && !record.can_edit) return <NotFound />
  return <ExperienceForm key={id ?? 'new'} schema={schema} initial={record === 'missing' ? null : record} />
}

function ExperienceForm({ schema, initial }: { schema: Schema; initial: Experience | null }) {
  const { t, lang, dateTime } = useI18n()
  const tx = t.experiences
  const tf = tx.form
  const words = useDisplayWords()
  const navigate = useNavigate()
  const { user } = useSession()
  const [params, setParams] = useSearchParams()
  const steps = useMemo(() => groups(schema).filter((g) => g !== 'documenti'), [schema])
  const stepParam = Number(params.get('passo') ?? '1')
  const step = Number.isInteger(stepParam) && stepParam >= 1 && stepParam <= steps.length ? stepParam - 1 : 0
  const [record, setRecord] = useState<Experience | null>(initial)
  const [values, setValues] = useState<FormValues>(() => toForm(initial?.fields ?? { titolo: '' }))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState('')
  const location = useLocation()
  const [status, setStatus] = useState(() => (location.state as { flash?: string } | null)?.flash ?? '')
  const [attempt, setAttempt] = useState(0)
  const [busy, setBusy] = useState(false)
  const [conflict, setConflict] = useState<{ c: Conflict; rows: ConflictRow[]; base: Experience } | null>(null)
  const [category, setCategory] = useState<string | null>(initial?.amministrazione.category ?? null)
  const heading = useRef<HTMLHeadingElement>(null)
  const moved = useRef(false)

  const listFields = useMemo(() => schema.fields.filter((f) => f.list && f.field !== 'obiettivi' && f.field !== 'fattori_critici' && f.field !== 'atti').map((f) => f.field), [schema])
  const paths = useMemo(() => formPaths(schema), [schema])

  // A new record belongs to the author's administration: its category fixes the EU threshold.
  useEffect(() => {
    if (category !== null || !user) return
    api.get<Administration[]>('/administrations').then(
      (list) => setCategory(list.find((a) => a.id === user.administration_id)?.category ?? null),
      () => undefined,
    )
  }, [category, user])

  // The step's heading takes the focus when the step changes (not on the first render).
  useEffect(() => {
    if (moved.current) heading.current?.focus()
    moved.current = true
  }, [step])

  const goto = (n: number) => {
    const next = new URLSearchParams(params)
    next.set('passo', String(n + 1))
    setParams(next, { replace: true })
  }

  const onText = useCallback((path: string, v: string) => {
    setValues((vals) => ({ ...vals, text: { ...vals.text, [path]: v } }))
    setErrors((e) => {
      if (!(path in e)) return e
      const { [path]: _gone, ...rest } = e
      void _gone
      return rest
    })
  }, [])

  const parsed = useMemo(() => fromForm(values, listFields), [values, listFields])
  const derived = derive(parsed.fields, category, schema.thresholds)

  const label = (path: string) => pathLabel(schema, path, lang, words)
  const dirty = canonical(parsed.fields) !== canonical(record?.fields ?? { titolo: '' })

  /** Local checks: what does not parse, and the title a save needs. */
  const localErrors = (): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const [path, code] of Object.entries(parsed.errors)) out[path] = tf.local[code]
    if (!parsed.fields.titolo) out.titolo = t.common.errors.required
    return out
  }

  const failed = (errs: Record<string, string>, msg = '') => {
    setErrors(errs)
    setGeneral(msg)
    setAttempt((a) => a + 1)
  }

  /** Saves fields over base (a new draft when there is no record yet); returns the stored record. */
  const store = async (fields: Fields, base: Experience | null): Promise<Experience | null> => {
    try {
      const saved = base ? await experiencesApi.save(base.id, base.version, fields) : await experiencesApi.create(fields)
      setRecord(saved)
      setValues(toForm(saved.fields))
      setErrors({})
      setGeneral('')
      setConflict(null)
      // The new draft's own form takes over (a new page: the message goes along).
      if (!base) navigate(`/esperienze/${saved.id}/modifica?passo=${step + 1}`, { replace: true, state: { flash: tf.saved(saved.version) } })
      return saved
    } catch (e) {
      const c = conflictOf(e)
      if (c && base) {
        const rows = conflictRows(base.fields, fields, c.changes)
        // The merge saves over the current version; cancelling keeps the old base, so the next save is refused again.
        setConflict({ c, rows, base: { ...base, version: c.current_version, fields: currentFields(base.fields, c.changes) } })
        setStatus('')
        return null
      }
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) failed(e.fields)
      else failed({}, apiErrorMessage(e, t))
      return null
    }
  }

  const save = async (): Promise<Experience | null> => {
    setStatus('')
    const local = localErrors()
    if (Object.keys(local).length > 0) {
      failed(local)
      return null
    }
    setBusy(true)
    try {
      const saved = await store(parsed.fields, record)
      if (saved) setStatus(tf.saved(saved.version))
      return saved
    } finally {
      setBusy(false)
    }
  }

  const publish = async () => {
    // Unchanged since the last save: publish that version rather than store the same fields again.
    const saved = record && canonical(parsed.fields) === canonical(record.fields) ? record : await save()
    if (!saved) return
    setBusy(true)
    try {
      const pub = await experiencesApi.publish(saved.id, saved.version)
      navigate(`/esperienze/${pub.id}`, { state: { flash: tf.published } })
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) failed(e.fields)
      else failed({}, apiErrorMessage(e, t))
    } finally {
      setBusy(false)
    }
  }

  const merge = async (choices: Record<string, Choice>) => {
    if (!conflict) return
    const fields = applyMerge(parsed.fields, conflict.rows, choices)
    setBusy(true)
    try {
      const saved = await store(fields, conflict.base)
      if (saved) setStatus(tf.saved(saved.version))
    } finally {
      setBusy(false)
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    void save()
  }

  const group = steps[step]
  const stepPaths = paths.filter((p) => groupOf(schema, p) === group)
  const isDraft = !record || record.status === 'draft'
  const title = record ? tf.editTitle(record.fields.titolo) : tf.newTitle
  const errorEntries = Object.entries(errors)

  const hintOf = (path: string) => {
    if (path.endsWith('_eur')) return tf.amountHint
    if (path === 'enti_associati') return tf.ipaHint
    if (path === 'cig') return tf.cigHint
    if (path === 'cpv') return tf.cpvHint
    if (path.startsWith('data_')) return tf.dateHint
    return undefined
  }

  return (
    <Page title={title}>
      {record ? (
        <p>
          <Link to={`/esperienze/${record.id}`}>{tf.cancel}</Link>
        </p>
      ) : null}
      <nav aria-label={tf.steps} className="mb-4">
        <ol className="exp-steps list-unstyled d-flex flex-wrap gap-2 m-0">
          {steps.map((g, i) => (
            <li key={g}>
              <button
                type="button"
                className={'btn btn-sm ' + (i === step ? 'btn-primary' : 'btn-outline-primary')}
                aria-current={i === step ? 'step' : undefined}
                onClick={() => goto(i)}
              >
                <span className="visually-hidden">{tf.step(i + 1, steps.length)}: </span>
                <span aria-hidden="true">{i + 1}. </span>
                {tx.groups[g as keyof typeof tx.groups] ?? g}
                {errorEntries.some(([p]) => groupOf(schema, p) === g) ? (
                  <span className="exp-step-error" aria-hidden="true">
                    {' '}
                    !
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      {conflict ? (
        <ConflictPanel
          schema={schema}
          conflict={conflict.c}
          rows={conflict.rows}
          busy={busy}
          onMerge={(ch) => void merge(ch)}
          onCancel={() => setConflict(null)}
          label={label}
        />
      ) : null}

      <ErrorList
        errors={errors}
        general={general}
        attempt={attempt}
        labels={Object.fromEntries(
          errorEntries.map(([path]) => {
            const n = steps.indexOf(groupOf(schema, path))
            const where = n >= 0 && n !== step ? tf.summaryStep(tx.groups[steps[n] as keyof typeof tx.groups] ?? steps[n]) + ' — ' : ''
            return [path, where + label(path.replace(/\[\d+\]/, ''))]
          }),
        )}
        onFollow={(path) => {
          const n = steps.indexOf(groupOf(schema, path))
          if (n >= 0 && n !== step) goto(n)
        }}
      />

      <form onSubmit={onSubmit} noValidate aria-labelledby="exp-step-title">
        <section>
          <h2 id="exp-step-title" ref={heading} tabIndex={-1} className="h3 mb-4">
            <span className="d-block small text-muted-accessible">{tf.step(step + 1, steps.length)}</span>
            {tx.groups[group as keyof typeof tx.groups] ?? group}
          </h2>
          {stepPaths.map((path) => (
            <div key={path}>
              <RecordField
                schema={schema}
                path={path}
                label={label(path)}
                values={values}
                errors={errors}
                onText={onText}
                onValues={setValues}
                hint={hintOf(path)}
                required={path === 'titolo'}
              />
              {path === 'procedura' && derived.directAwardLimit !== null ? (
                <div className="alert alert-warning" role="status" data-testid="art50-warning">
                  {tf.art50(formatEuro(derived.directAwardLimit, { cents: false }))}
                </div>
              ) : null}
            </div>
          ))}
          {group === 'affidamento' ? (
            <div className="exp-computed border rounded p-3 mb-4" data-testid="sopra-soglia">
              <p className="fw-semibold mb-1">
                {tx.form.aboveEU} <span className="small fw-normal">({tf.computed})</span>
              </p>
              <p className="mb-0" aria-live="polite">
                {derived.above === null || derived.threshold === null
                  ? tf.aboveUnknown
                  : derived.above
                    ? tf.aboveYes(formatEuro(derived.threshold, { cents: false }))
                    : tf.aboveNo(formatEuro(derived.threshold, { cents: false }))}
              </p>
            </div>
          ) : null}
        </section>

        <div role="status" aria-live="polite">
          {status ? <div className="alert alert-success">{status}</div> : null}
        </div>
        {record ? (
          <p className="small">
            {tx.record.version} {record.version} · {tx.status[record.status as keyof typeof tx.status]} · {tx.record.updated(record.updated_by_name, dateTime(record.updated_at))}
          </p>
        ) : null}
        {dirty ? (
          <p className="small fw-semibold" data-testid="unsaved">
            {tf.unsaved}
          </p>
        ) : null}
        {step === steps.length - 1 && isDraft ? <p className="small">{tf.publishHint}</p> : null}
        <div className="d-flex flex-wrap gap-2 exp-form-actions">
          {step > 0 ? (
            <button type="button" className="btn btn-outline-primary" onClick={() => goto(step - 1)}>
              {tf.prev}
            </button>
          ) : null}
          {step < steps.length - 1 ? (
            <button type="button" className="btn btn-outline-primary" onClick={() => goto(step + 1)}>
              {tf.next}
            </button>
          ) : null}
          <button type="submit" className="btn btn-secondary" disabled={busy}>
            {isDraft ? tf.saveDraft : tf.save}
          </button>
          {step === steps.length - 1 && isDraft ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              onClick={() => void publish()}
            >
              {tf.publish}
            </button>
          ) : null}
        </div>
      </form>
    </Page>
  )
}
