import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { useI18n } from '../i18n'
import { formatEuro } from '../i18n/format'
import { CATEGORIES, REGIONS } from '../api/types'
import { Page, Loading } from '../components/Page'
import { apiErrorMessage } from '../components/forms'
import { ErrorAlert, Pagination } from '../forum/common'
import { useSession } from '../session/SessionContext'
import { experiencesApi } from './api'
import { centsToEuro, formatAmountInput, parseCents } from './amount'
import { compareHref, filtersFromSearch, filtersToParams, filtersToSearch, LIST_FILTERS, MAX_COMPARE, SORTS, type Filters, type ListFilter } from './filters'
import type { ListPage, Summary } from './model'
import { optionLabel, options, useSchema, type Option } from './schema'
import { formatDay, parseDay } from './dates'
import { StatusBadge } from './parts'

const SELECTION_KEY = 'tavolo.experiences.selection'

/** The records picked for the comparison, kept across pages and reloads of this tab. */
function useSelection(): [{ id: string; titolo: string }[], (s: { id: string; titolo: string }[]) => void] {
  const [sel, setSel] = useState<{ id: string; titolo: string }[]>(() => {
    try {
      const v = JSON.parse(sessionStorage.getItem(SELECTION_KEY) ?? '[]') as unknown
      return Array.isArray(v) ? (v as { id: string; titolo: string }[]).slice(0, MAX_COMPARE) : []
    } catch {
      return []
    }
  })
  const set = (s: { id: string; titolo: string }[]) => {
    setSel(s)
    sessionStorage.setItem(SELECTION_KEY, JSON.stringify(s))
  }
  return [sel, set]
}

/** The filter form's text, as typed; amounts in Italian form. */
interface Draft {
  lists: Record<ListFilter, string[]>
  dal: string
  al: string
  min: string
  max: string
  drafts: boolean
  sort: string
}

function draftOf(f: Filters): Draft {
  const lists = {} as Record<ListFilter, string[]>
  for (const k of LIST_FILTERS) lists[k] = [...f.lists[k]]
  const amount = (s: string) => (s ? formatAmountInput(Number(s)) : '')
  return { lists, dal: formatDay(f.dal), al: formatDay(f.al), min: amount(f.importoMin), max: amount(f.importoMax), drafts: f.drafts, sort: f.sort }
}

export default function ExperienceList() {
  const { t, lang } = useI18n()
  const tx = t.experiences
  const { schema } = useSchema()
  const { user } = useSession()
  const location = useLocation()
  const navigate = useNavigate()
  const filters = useMemo(() => filtersFromSearch(location.search), [location.search])
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters))
  const [inputErrors, setInputErrors] = useState<Record<string, string>>({})
  const [data, setData] = useState<ListPage | null>(null)
  const [error, setError] = useState('')
  const [selection, setSelection] = useSelection()
  const uid = useId().replace(/:/g, '')

  // The URL is the truth: back and forward bring the form along.
  useEffect(() => setDraft(draftOf(filters)), [filters])

  useEffect(() => {
    const ctl = new AbortController()
    setError('')
    experiencesApi.list(filtersToParams(filters), ctl.signal).then(
      (p) => setData(p),
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(apiErrorMessage(e, t))
      },
    )
    return () => ctl.abort()
  }, [filters, t])

  const listOptions = (k: ListFilter): Option[] => {
    if (k === 'regione') return REGIONS.map((r) => ({ value: r, label: t.lists.regions[r] }))
    if (k === 'categoria') return CATEGORIES.map((c) => ({ value: c, label: t.lists.categories[c] }))
    return schema ? options(schema, k, lang) : []
  }

  const apply = (e: FormEvent) => {
    e.preventDefault()
    const errs: Record<string, string> = {}
    const amount = (name: string, s: string) => {
      if (!s.trim()) return ''
      const c = parseCents(s)
      if (c === null || c < 0) {
        errs[name] = tx.filters.badAmount
        return ''
      }
      return String(centsToEuro(c))
    }
    const day = (name: string, s: string) => {
      if (!s.trim()) return ''
      const d = parseDay(s)
      if (d === null) errs[name] = tx.filters.badDate
      return d ?? ''
    }
    const next: Filters = {
      lists: { ...filters.lists },
      dal: day('dal', draft.dal),
      al: day('al', draft.al),
      importoMin: amount('min', draft.min),
      importoMax: amount('max', draft.max),
      drafts: draft.drafts,
      sort: filters.sort,
      page: 1,
    }
    for (const k of LIST_FILTERS) next.lists[k] = [...draft.lists[k]]
    next.sort = (SORTS as readonly string[]).includes(draft.sort) ? (draft.sort as Filters['sort']) : filters.sort
    setInputErrors(errs)
    if (Object.keys(errs).length > 0) return
    navigate({ pathname: location.pathname, search: filtersToSearch(next) })
  }

  const selected = new Set(selection.map((s) => s.id))
  const toggle = (it: Summary) => {
    if (selected.has(it.id)) setSelection(selection.filter((s) => s.id !== it.id))
    else if (selection.length < MAX_COMPARE) setSelection([...selection, { id: it.id, titolo: it.titolo }])
  }
  const href = compareHref(selection.map((s) => s.id))
  const id = (name: string) => `${uid}-${name}`

  return (
    <Page title={tx.listTitle} lead={tx.listLead}>
      {user ? (
        <p>
          <Link className="btn btn-primary" to="/esperienze/nuova">
            {tx.newRecord}
          </Link>
        </p>
      ) : null}
      <section aria-labelledby={id('filters')} className="exp-filters mb-4">
        <h2 id={id('filters')} className="h4">
          {tx.filters.title}
        </h2>
        <form onSubmit={apply} role="search" aria-labelledby={id('filters')} noValidate>
          <div className="row">
            {LIST_FILTERS.map((k) => {
              const opts = listOptions(k)
              const picked = draft.lists[k]
              const pick = (v: string, on: boolean) =>
                setDraft({ ...draft, lists: { ...draft.lists, [k]: on ? [...picked, v] : picked.filter((x) => x !== v) } })
              // What is picked, in the summary: "All", the one label, or how many.
              const summary =
                picked.length === 0 ? tx.filters.any : picked.length === 1 ? (opts.find((o) => o.value === picked[0])?.label ?? picked[0]) : tx.filters.several(picked.length)
              return (
                <div className="col-12 col-md-6 col-lg-4" key={k}>
                  {/* Several values of one filter: checkboxes in a disclosure (Tab, Enter and Space only). */}
                  <details className="exp-multi mb-4" data-filter={k}>
                    <summary>
                      <span className="exp-multi-label">{tx.filters[k]}</span> <span className="exp-multi-value">{summary}</span>
                    </summary>
                    <fieldset>
                      <legend className="visually-hidden">{tx.filters[k]}</legend>
                      {opts.map((o) => (
                        <div className="form-check" key={o.value}>
                          <input id={id(k + '-' + o.value)} type="checkbox" checked={picked.includes(o.value)} onChange={(e) => pick(o.value, e.target.checked)} />
                          <label htmlFor={id(k + '-' + o.value)}>{o.label}</label>
                        </div>
                      ))}
                    </fieldset>
                  </details>
                </div>
              )
            })}
            {(
              [
                ['dal', tx.filters.dal, tx.filters.dateHint],
                ['al', tx.filters.al, tx.filters.dateHint],
                ['min', tx.filters.importoMin, tx.filters.amountHint],
                ['max', tx.filters.importoMax, tx.filters.amountHint],
              ] as const
            ).map(([k, label, hint]) => (
              <div className="col-12 col-md-6 col-lg-3" key={k}>
                <div className="form-group">
                  <label htmlFor={id(k)} className="active">
                    {label}
                  </label>
                  <input
                    id={id(k)}
                    type="text"
                    autoComplete="off"
                    inputMode={k === 'min' || k === 'max' ? 'decimal' : undefined}
                    className={'form-control' + (inputErrors[k] ? ' is-invalid' : '')}
                    aria-invalid={inputErrors[k] ? true : undefined}
                    aria-describedby={id(k) + '-hint' + (inputErrors[k] ? ' ' + id(k) + '-error' : '')}
                    value={draft[k]}
                    onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
                  />
                  <small id={id(k) + '-hint'} className="form-text">
                    {hint}
                  </small>
                  {inputErrors[k] ? (
                    <div id={id(k) + '-error'} className="invalid-feedback d-block">
                      {inputErrors[k]}
                    </div>
                  ) : null}
                </div>
              </div>
            ))}
            <div className="col-12 col-md-6 col-lg-4">
              <div className="select-wrapper mb-4">
                <label htmlFor={id('sort')}>{tx.filters.sort}</label>
                <select id={id('sort')} value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.target.value })}>
                  {SORTS.map((s) => (
                    <option key={s} value={s}>
                      {tx.filters.sorts[s]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="col-12 col-md-6 col-lg-8">
              <div className="form-check mb-4">
                <input id={id('drafts')} type="checkbox" checked={draft.drafts} onChange={(e) => setDraft({ ...draft, drafts: e.target.checked })} />
                <label htmlFor={id('drafts')}>{tx.filters.drafts}</label>
              </div>
            </div>
          </div>
          <div className="d-flex flex-wrap gap-2">
            <button type="submit" className="btn btn-primary">
              {tx.filters.apply}
            </button>
            <Link className="btn btn-outline-primary" to={location.pathname}>
              {tx.filters.reset}
            </Link>
          </div>
        </form>
      </section>

      <section aria-labelledby={id('selection')} className="exp-selection border rounded p-3 mb-4">
        <h2 id={id('selection')} className="h5">
          {tx.selection.title}
        </h2>
        <p className="mb-2" role="status">
          {selection.length > 0 ? tx.selection.count(selection.length) : tx.selection.hint}
          {selection.length >= MAX_COMPARE ? ' ' + tx.selection.full : ''}
        </p>
        {selection.length > 0 ? (
          <ul className="mb-2">
            {selection.map((s) => (
              <li key={s.id}>{s.titolo}</li>
            ))}
          </ul>
        ) : null}
        <div className="d-flex flex-wrap gap-2">
          {href ? (
            <Link className="btn btn-primary btn-sm" to={href}>
              {tx.selection.compare}
            </Link>
          ) : (
            <button type="button" className="btn btn-primary btn-sm" disabled aria-describedby={id('selection')}>
              {tx.selection.compare}
            </button>
          )}
          {selection.length > 0 ? (
            <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setSelection([])}>
              {tx.selection.clear}
            </button>
          ) : null}
        </div>
      </section>

      <ErrorAlert text={error} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <section aria-labelledby={id('results')}>
          <h2 id={id('results')} className="h4" aria-live="polite">
            {tx.results(data.total)}
          </h2>
          {data.items.length === 0 ? <p>{tx.empty}</p> : null}
          <ul className="list-unstyled exp-results" data-testid="experience-results">
            {data.items.map((it) => (
              <li key={it.id} className="exp-result border-bottom py-3 d-flex gap-3">
                <div className="form-check m-0">
                  <input
                    id={id('sel-' + it.id)}
                    type="checkbox"
                    checked={selected.has(it.id)}
                    disabled={!selected.has(it.id) && selection.length >= MAX_COMPARE}
                    onChange={() => toggle(it)}
                  />
                  <label htmlFor={id('sel-' + it.id)} className="visually-hidden">
                    {tx.select(it.titolo)}
                  </label>
                </div>
                <div className="flex-grow-1 exp-result-body">
                  <h3 className="h5 mb-1">
                    <Link to={`/esperienze/${it.id}`}>{it.titolo}</Link> <StatusBadge status={it.status} />
                  </h3>
                  <p className="mb-1">{it.amministrazione.name}</p>
                  <p className="mb-0 small exp-meta">
                    {[
                      it.ambito && schema ? optionLabel(schema, 'ambito', it.ambito, lang) : '',
                      it.modello && schema ? optionLabel(schema, 'modello', it.modello, lang) : '',
                      it.procedura && schema ? optionLabel(schema, 'procedura', it.procedura, lang) : '',
                      it.importo_eur !== null ? `${tx.amount}: ${formatEuro(it.importo_eur)}` : '',
                      it.data ? `${tx.date}: ${formatDay(it.data)}` : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                </div>
              </li>
            ))}
          </ul>
          <Pagination page={data.page} total={data.total} perPage={data.per_page} />
        </section>
      ) : null}
    </Page>
  )
}
