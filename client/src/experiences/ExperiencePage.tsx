import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { Link, useLocation, useParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { formatEuro, formatNumber } from '../i18n/format'
import { Loading, Page } from '../components/Page'
import { apiErrorMessage } from '../components/forms'
import { ErrorAlert } from '../forum/common'
import { uploadAttachment } from '../forum/upload'
import NotFound from '../pages/NotFound'
import { experiencesApi } from './api'
import { getPath, type Diff, type Experience, type History, type Schema } from './model'
import { displayValue, formPaths, groups, optionLabel, options, pathLabel, useSchema } from './schema'
import { StatusBadge, useDisplayWords } from './parts'
import { useTopic } from '../realtime/hooks'
import { captureAnchor, restoreAnchor, type Anchor } from '../live/anchor'
import { ModeratedNotice } from '../moderation/Hidden'
import { ReportButton } from '../moderation/ReportButton'
import { useSession } from '../session/SessionContext'
import { rowCell, useRecordComments } from './RecordComments'

/** /esperienze/:id */
export default function ExperienceRoute() {
  const { id = '' } = useParams()
  const { t } = useI18n()
  const { schema, error: schemaError } = useSchema()
  const [record, setRecord] = useState<Experience | null | 'missing'>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    setRecord(null)
    experiencesApi.get(id).then(setRecord, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setRecord('missing')
      else setError(apiErrorMessage(e, t))
    })
  }, [id, t])
  if (record === 'missing') return <NotFound />
  if (error || schemaError) return <Page title={t.experiences.listTitle}><ErrorAlert text={error || apiErrorMessage(schemaError, t)} /></Page>
  if (!record || !schema) return <Loading />
  return <ExperiencePage key={record.id} schema={schema} initial={record} />
}

function ExperiencePage({ schema, initial }: { schema: Schema; initial: Experience }) {
  const { t, lang, dateTime } = useI18n()
  const tx = t.experiences
  const tr = tx.record
  const words = useDisplayWords()
  const location = useLocation()
  const flash = (location.state as { flash?: string } | null)?.flash ?? ''
  const [record, setRecord] = useState(initial)
  const [news, setNews] = useState('')
  const recordRef = useRef(record)
  recordRef.current = record
  const anchor = useRef<Anchor | null>(null)

  // Live: another's save (experience.updated) brings the new version in
  // place; what the reader reads stays where it is, open diffs and a
  // document being attached stay as they are, and a status line says so.
  const refresh = useCallback(async (): Promise<void> => {
    try {
      const fresh = await experiencesApi.get(initial.id)
      const cur = recordRef.current
      if (fresh.version <= cur.version) return
      anchor.current = captureAnchor()
      recordRef.current = fresh
      setRecord(fresh)
      setNews(tr.newVersion(fresh.version, fresh.updated_by_name))
    } catch {
      // The page keeps what it shows; the next event or reconnection tries again.
    }
  }, [initial.id, tr])
  useTopic(
    'experience:' + initial.id,
    'live',
    (ev) => {
      if (ev.event === 'experience.updated') void refresh()
    },
    () => refresh(),
  )
  useLayoutEffect(() => {
    restoreAnchor(anchor.current)
    anchor.current = null
  }, [record])

  const { user } = useSession()
  const f = record.fields
  // A record a moderator acted on: without a reason the reader gets the
  // placeholder alone (the API sends no content).
  const veiled = !!record.moderated && !record.moderated.reason
  const reportable = !!user && !record.moderated && record.status !== 'draft' && user.administration_id !== record.amministrazione.id
  const paths = formPaths(schema)
  const adm = record.amministrazione
  const labelOf = useCallback(
    (cell: string) => (cell === 'sopra_soglia_ue' ? tx.form.aboveEU : cell === 'atti' ? tr.documents : pathLabel(schema, cell, lang, words)),
    [schema, lang, words, tx, tr],
  )
  const comments = useRecordComments({ id: record.id, version: record.version, titolo: f.titolo }, labelOf)
  const categoryLabel = t.lists.categories[adm.category as keyof typeof t.lists.categories] ?? adm.category
  const regionLabel = t.lists.regions[adm.region as keyof typeof t.lists.regions] ?? adm.region

  return (
    <Page title={veiled ? tx.listTitle : f.titolo}>
      <div role="status">
        {flash ? <div className="alert alert-success">{flash}</div> : null}
        {news ? (
          <div className="alert alert-info" data-testid="record-news">
            {news}
          </div>
        ) : null}
      </div>
      <p>
        <Link to="/esperienze">{tr.back}</Link>
      </p>
      <dl className="exp-head row mb-4">
        <dt className="col-12 col-md-3">{tr.administration}</dt>
        <dd className="col-12 col-md-9">
          {adm.name} ({categoryLabel}, {regionLabel})
        </dd>
        <dt className="col-12 col-md-3">{tr.state}</dt>
        <dd className="col-12 col-md-9">
          <StatusBadge status={record.status} />
        </dd>
        <dt className="col-12 col-md-3">{tr.version}</dt>
        <dd className="col-12 col-md-9" data-testid="record-version">
          {record.version} · {tr.updated(record.updated_by_name, dateTime(record.updated_at))}
        </dd>
      </dl>
      {record.moderated ? <ModeratedNotice moderated={record.moderated} /> : null}
      {veiled ? null : (
      <>
      <div className="d-flex flex-wrap gap-2 mb-4 align-items-center">
        {record.can_edit ? (
          <Link className="btn btn-primary" to={`/esperienze/${record.id}/modifica`}>
            {tr.edit}
          </Link>
        ) : null}
        {record.thread_id ? (
          <Link className="btn btn-outline-primary" to={`/forum/t/${record.thread_id}`}>
            {tr.discussion}
          </Link>
        ) : (
          <p className="mb-0">{tr.noDiscussion}</p>
        )}
        {reportable ? <ReportButton kind="experience" id={record.id} label={t.moderation.reportLabel(t.moderation.experienceWhat(f.titolo))} /> : null}
      </div>

      {groups(schema)
        .filter((g) => g !== 'documenti')
        .map((g) => {
          const gp = paths.filter((p) => schema.fields.find((d) => d.field === p.split('.')[0])?.group === g)
          return (
            <section key={g} aria-labelledby={'exp-g-' + g} className="mb-4">
              <h2 id={'exp-g-' + g} className="h4 border-bottom pb-1" data-anchor={'g-' + g}>
                {tx.groups[g as keyof typeof tx.groups] ?? g}
                {g === 'narrativa' ? comments.button('lezioni_apprese', labelOf('lezioni_apprese')) : null}
              </h2>
              {g === 'narrativa' ? (
                record.lezioni_apprese_html ? (
                  // Sanitised by the server (server/internal/markdown), as forum posts are.
                  <div className="forum-post-body exp-lessons" dangerouslySetInnerHTML={{ __html: record.lezioni_apprese_html }} />
                ) : (
                  <p>{tx.none}</p>
                )
              ) : (
                <dl className="row exp-fields mb-0">
                  {gp.flatMap((p) => (p === 'fattori_critici' ? options(schema, 'fattori_critici', lang).map((o) => `${p}.${o.value}`) : [p])).map((p, i, all) => {
                    const v = getPath(f, p)
                    // An object's parts share its comments: the button is on its first row.
                    const cell = rowCell(p)
                    const first = i === 0 || rowCell(all[i - 1]) !== cell
                    return (
                      <div key={p} className="col-12 exp-field d-md-flex" data-anchor={'f-' + p}>
                        <dt className="exp-field-label">
                          {p.startsWith('fattori_critici.') ? optionLabel(schema, 'fattori_critici', p.slice(16), lang) : pathLabel(schema, p, lang, words)}
                        </dt>
                        <dd className="exp-field-value">
                          {displayValue(schema, p, v, lang, words)}
                          {first ? comments.button(cell, labelOf(cell)) : null}
                        </dd>
                      </div>
                    )
                  })}
                  {g === 'affidamento' ? (
                    <div className="col-12 exp-field d-md-flex">
                      <dt className="exp-field-label">{tx.form.aboveEU}</dt>
                      <dd className="exp-field-value" data-testid="sopra-soglia">
                        {record.sopra_soglia_ue === null || record.soglia_ue_eur === null
                          ? tx.form.aboveUnknown
                          : record.sopra_soglia_ue
                            ? tx.form.aboveYes(formatEuro(record.soglia_ue_eur, { cents: false }))
                            : tx.form.aboveNo(formatEuro(record.soglia_ue_eur, { cents: false }))}
                        {comments.button('sopra_soglia_ue', labelOf('sopra_soglia_ue'))}
                      </dd>
                    </div>
                  ) : null}
                </dl>
              )}
              {g === 'affidamento'
                ? record.warnings.map((w) => (
                    <div key={w.field + w.code} className="alert alert-warning mt-2">
                      {w.message}
                    </div>
                  ))
                : null}
            </section>
          )
        })}

      <Documents schema={schema} record={record} onChange={setRecord} comments={comments.button('atti', labelOf('atti'))} />
      <HistorySection schema={schema} record={record} />
      {comments.dialog}
      </>
      )}
    </Page>
  )
}

function size(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${formatNumber(Math.round(n / 1024))} KB`
  return `${formatNumber(Math.round((n / 1024 / 1024) * 10) / 10)} MB`
}

function Documents({ schema, record, onChange, comments }: { schema: Schema; record: Experience; onChange: (e: Experience) => void; comments: ReactNode }) {
  const { t, lang, dateTime } = useI18n()
  const tr = t.experiences.record
  const [tipo, setTipo] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [pct, setPct] = useState<number | null>(null)
  const [errors, setErrors] = useState<{ tipo?: string; file?: string; general?: string }>({})
  const [done, setDone] = useState('')
  const [inputKey, setInputKey] = useState(0)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setDone('')
    const errs: typeof errors = {}
    if (!tipo) errs.tipo = tr.chooseType
    if (!file) errs.file = tr.chooseFile
    setErrors(errs)
    if (!file || !tipo) return
    try {
      setPct(0)
      const att = await uploadAttachment(file, setPct)
      let saved: Experience
      try {
        saved = await experiencesApi.addDocument(record.id, record.version, att.id, tipo)
      } catch (err) {
        // Someone saved meanwhile: the document does not clash with their fields, attach it to the current version.
        if (!(err instanceof ApiError && err.status === 409)) throw err
        const cur = await experiencesApi.get(record.id)
        saved = await experiencesApi.addDocument(cur.id, cur.version, att.id, tipo)
      }
      onChange(saved)
      setDone(tr.uploaded(file.name))
      setFile(null)
      setTipo('')
      setInputKey((k) => k + 1)
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors({ tipo: fields.tipo, file: fields.file_id ?? fields.file, general: Object.keys(fields).length ? '' : apiErrorMessage(err, t) })
    } finally {
      setPct(null)
    }
  }

  return (
    <section aria-labelledby="exp-docs" className="mb-4">
      <h2 id="exp-docs" className="h4 border-bottom pb-1" data-anchor="docs">
        {tr.documents}
        {comments}
      </h2>
      {record.atti.length === 0 ? (
        <p>{tr.noDocuments}</p>
      ) : (
        <ul className="list-unstyled" data-testid="documents">
          {record.atti.map((d) => (
            <li key={d.file_id} className="mb-2">
              <a href={d.url}>{d.name}</a> — {optionLabel(schema, 'tipo_atto', d.tipo, lang)} ({size(d.size)}),{' '}
              <span className="small">{tr.addedBy(d.added_by_name, dateTime(d.added_at))}</span>
            </li>
          ))}
        </ul>
      )}
      {record.can_edit ? (
        <form onSubmit={(e) => void submit(e)} noValidate className="exp-upload">
          <div className="row">
            <div className="col-12 col-md-6">
              <div className="select-wrapper mb-4">
                <label htmlFor="exp-doc-type">{tr.docType}</label>
                <select
                  id="exp-doc-type"
                  value={tipo}
                  className={errors.tipo ? 'is-invalid' : undefined}
                  aria-invalid={errors.tipo ? true : undefined}
                  aria-describedby={errors.tipo ? 'exp-doc-type-error' : undefined}
                  onChange={(e) => setTipo(e.target.value)}
                >
                  <option value="">{t.experiences.form.choose}</option>
                  {options(schema, 'tipo_atto', lang).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
                {errors.tipo ? (
                  <div id="exp-doc-type-error" className="invalid-feedback d-block">
                    {errors.tipo}
                  </div>
                ) : null}
              </div>
            </div>
            <div className="col-12 col-md-6">
              <div className="form-group">
                <label htmlFor="exp-doc-file" className="active">
                  {tr.docFile}
                </label>
                <input
                  key={inputKey}
                  id="exp-doc-file"
                  type="file"
                  className={'form-control' + (errors.file ? ' is-invalid' : '')}
                  aria-invalid={errors.file ? true : undefined}
                  aria-describedby={errors.file ? 'exp-doc-file-error' : undefined}
                  onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                />
                {errors.file ? (
                  <div id="exp-doc-file-error" className="invalid-feedback d-block">
                    {errors.file}
                  </div>
                ) : null}
              </div>
            </div>
          </div>
          <ErrorAlert text={errors.general ?? ''} />
          <div role="status" aria-live="polite">
            {pct !== null ? <p>{tr.uploading(pct)}</p> : null}
            {done ? <div className="alert alert-success">{done}</div> : null}
          </div>
          <button type="submit" className="btn btn-outline-primary" disabled={pct !== null}>
            {tr.upload}
          </button>
        </form>
      ) : null}
    </section>
  )
}

function HistorySection({ schema, record }: { schema: Schema; record: Experience }) {
  const { t, dateTime } = useI18n()
  const tr = t.experiences.record
  const [history, setHistory] = useState<History | null>(null)
  const [error, setError] = useState('')
  const [open, setOpen] = useState<number | null>(null)
  const [diff, setDiff] = useState<Diff | null>(null)

  useEffect(() => {
    experiencesApi.history(record.id).then(setHistory, (e: unknown) => setError(apiErrorMessage(e, t)))
  }, [record.id, record.version, t])

  const toggle = (n: number) => {
    if (open === n) {
      setOpen(null)
      return
    }
    setOpen(n)
    setDiff(null)
    experiencesApi.diff(record.id, n - 1, n).then(setDiff, (e: unknown) => setError(apiErrorMessage(e, t)))
  }

  return (
    <section aria-labelledby="exp-history" className="mb-4">
      <h2 id="exp-history" className="h4 border-bottom pb-1" data-anchor="history">
        {tr.history}
      </h2>
      <ErrorAlert text={error} />
      {!history && !error ? <Loading /> : null}
      {history && history.version > 1 ? <RangeDiff schema={schema} record={record} latest={history.version} /> : null}
      {history ? (
        <ol className="list-unstyled exp-history" data-testid="history">
          {history.versions.map((v) => (
            <li key={v.version} className="mb-3">
              <p className="mb-1">
                <strong>{tr.versionN(v.version)}</strong> — {t.experiences.status[v.status as keyof typeof t.experiences.status] ?? v.status} —{' '}
                {tr.by(v.by_name, dateTime(v.at))} — {tr.changedFields(v.changed.length)}
              </p>
              {v.version > 1 ? (
                <button
                  type="button"
                  className="btn btn-outline-primary btn-xs"
                  aria-expanded={open === v.version}
                  aria-controls={'exp-diff-' + v.version}
                  onClick={() => toggle(v.version)}
                >
                  {open === v.version ? tr.hideDiff : tr.showDiff(v.version)}
                </button>
              ) : null}
              <div id={'exp-diff-' + v.version} hidden={open !== v.version}>
                {open === v.version ? (
                  diff ? (
                    <DiffTable schema={schema} diff={diff} />
                  ) : (
                    <Loading />
                  )
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  )
}

/** What changed between two versions: field, before, after, who and when. */
function DiffTable({ schema, diff }: { schema: Schema; diff: Diff }) {
  const { t, lang, dateTime } = useI18n()
  const tr = t.experiences.record
  const words = useDisplayWords()
  if (diff.changes.length === 0) return <p className="mt-2">{tr.noChanges}</p>
  return (
    <div className="table-responsive mt-2">
      <table className="table table-sm exp-diff" data-testid="diff">
        <caption>{tr.diffTitle(diff.from, diff.to)}</caption>
        <thead>
          <tr>
            <th scope="col">{tr.field}</th>
            <th scope="col">{tr.from}</th>
            <th scope="col">{tr.to}</th>
            <th scope="col">{tr.who}</th>
          </tr>
        </thead>
        <tbody>
          {diff.changes.map((c) => (
            <tr key={c.field}>
              <th scope="row">{pathLabel(schema, c.field, lang, words)}</th>
              <td>{c.field === 'status' ? statusLabel(t, c.from) : displayValue(schema, c.field, c.from, lang, words)}</td>
              <td>{c.field === 'status' ? statusLabel(t, c.to) : displayValue(schema, c.field, c.to, lang, words)}</td>
              <td>{tr.by(c.by_name, dateTime(c.at))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Any two versions side by side. */
function RangeDiff({ schema, record, latest }: { schema: Schema; record: Experience; latest: number }) {
  const { t } = useI18n()
  const tr = t.experiences.record
  const [from, setFrom] = useState(1)
  const [to, setTo] = useState(latest)
  const [diff, setDiff] = useState<Diff | null>(null)
  const [error, setError] = useState('')
  const versions = Array.from({ length: latest }, (_, i) => i + 1)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setError('')
    if (from >= to) {
      setError(tr.rangeOrder)
      return
    }
    experiencesApi.diff(record.id, from, to).then(setDiff, (err: unknown) => setError(apiErrorMessage(err, t)))
  }
  return (
    <form onSubmit={submit} className="exp-range mb-3" aria-labelledby="exp-range-title">
      <h3 id="exp-range-title" className="h5">
        {tr.rangeTitle}
      </h3>
      <div className="d-flex flex-wrap gap-3 align-items-end">
        {(
          [
            ['exp-range-from', tr.rangeFrom, from, setFrom],
            ['exp-range-to', tr.rangeTo, to, setTo],
          ] as const
        ).map(([id, label, value, set]) => (
          <div className="select-wrapper" key={id}>
            <label htmlFor={id}>{label}</label>
            <select id={id} value={value} onChange={(e) => set(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  {tr.versionN(v)}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="submit" className="btn btn-outline-primary btn-sm">
          {tr.rangeShow}
        </button>
      </div>
      <ErrorAlert text={error} />
      {diff ? <DiffTable schema={schema} diff={diff} /> : null}
    </form>
  )
}

function statusLabel(t: ReturnType<typeof useI18n>['t'], v: unknown): string {
  return typeof v === 'string' ? (t.experiences.status[v as keyof typeof t.experiences.status] ?? v) : t.experiences.none
}
