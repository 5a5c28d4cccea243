// "Aggiungi esperienza": a modal dialog that lists the published records
// not already in the table (title and administration), filtered as the
// user types, one chosen with a radio button. The page does the PATCH
// (onAdd): its errors show here, in an alert.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { apiErrorMessage, useUniqueId } from '../components/forms'
import { Dialog } from '../forum/common'
import { experiencesApi } from '../experiences/api'
import type { Summary } from '../experiences/model'
import { addCandidates } from './candidates'

/** Pages of the list read at most (100 records each). */
const MAX_PAGES = 10

/** Every published record the user may read (the list, page after page). */
async function loadPublished(signal: AbortSignal): Promise<Summary[]> {
  const out: Summary[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await experiencesApi.list({ sort: 'titolo', per_page: '100', page: String(page) }, signal)
    out.push(...r.items)
    if (r.items.length === 0 || out.length >= r.total) break
  }
  return out
}

export interface AddColumnDialogProps {
  open: boolean
  onClose: () => void
  /** The table's records (left out of the list). */
  inTable: string[]
  /** Adds the record to the table; rejects with the error to show. */
  onAdd: (r: Summary) => Promise<void>
}

export function AddColumnDialog(p: AddColumnDialogProps) {
  const { t } = useI18n()
  return (
    <Dialog open={p.open} title={t.compare.addTitle} onClose={p.onClose}>
      <AddColumnForm {...p} />
    </Dialog>
  )
}

function AddColumnForm({ inTable, onAdd }: AddColumnDialogProps) {
  const { t } = useI18n()
  const tc = t.compare
  const uid = useUniqueId('add-col')
  const [all, setAll] = useState<Summary[] | null>(null)
  const [query, setQuery] = useState('')
  const [chosen, setChosen] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const search = useRef<HTMLInputElement>(null)

  // The focus goes to the search field once the dialog is open (showModal runs after this mounts).
  useEffect(() => {
    const h = window.setTimeout(() => search.current?.focus(), 0)
    return () => window.clearTimeout(h)
  }, [])

  useEffect(() => {
    const ctl = new AbortController()
    loadPublished(ctl.signal).then(setAll, (e: unknown) => {
      if (!ctl.signal.aborted) setError(apiErrorMessage(e, t))
    })
    return () => ctl.abort()
  }, [t])

  const found = useMemo(() => addCandidates(all ?? [], inTable, query), [all, inTable, query])
  const pick = found.items.find((r) => r.id === chosen)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    if (!pick) {
      setError(tc.addPickOne)
      return
    }
    setBusy(true)
    setError('')
    onAdd(pick).then(
      () => setBusy(false),
      (err: unknown) => {
        setBusy(false)
        const fields = err instanceof ApiError ? Object.values(err.fields) : []
        setError(fields[0] ?? apiErrorMessage(err, t))
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate data-testid="add-column-dialog">
      {error ? (
        <div className="alert alert-danger" role="alert">
          {error}
        </div>
      ) : null}
      <div className="form-group mb-3">
        <label htmlFor={uid + '-q'} className="active">
          {tc.addSearch}
        </label>
        <input
          ref={search}
          id={uid + '-q'}
          type="text"
          enterKeyHint="search"
          className="form-control"
          value={query}
          autoComplete="off"
          aria-describedby={uid + '-q-hint'}
          onChange={(e) => setQuery(e.target.value)}
        />
        <small id={uid + '-q-hint'} className="form-text">
          {tc.addSearchHint}
        </small>
      </div>
      <p className="small mb-2" role="status" data-testid="add-column-count">
        {all === null ? (error ? '' : t.common.loading) : tc.addMatches(found.items.length, found.total)}
      </p>
      {found.items.length ? (
        <fieldset className="compare-add-list mb-3">
          <legend className="h6">{tc.addChoose}</legend>
          {found.items.map((r) => (
            <div className="form-check compare-add-item" key={r.id}>
              <input
                className="form-check-input"
                type="radio"
                name={uid + '-pick'}
                id={uid + '-' + r.id}
                value={r.id}
                checked={chosen === r.id}
                onChange={() => setChosen(r.id)}
              />
              <label className="form-check-label" htmlFor={uid + '-' + r.id}>
                {r.titolo} <span className="text-muted">— {r.amministrazione.name}</span>
              </label>
            </div>
          ))}
        </fieldset>
      ) : null}
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy || all === null}>
        {tc.addConfirm}
      </button>
    </form>
  )
}
