import { startTransition, useEffect, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { forumApi, type Category, type SearchResult } from './api'
import { DateTime, ErrorAlert, Pagination, usePageParam } from './common'
import { safeSnippet } from './text'
import './forum.css'

const FIELDS = ['q', 'category', 'author', 'administration', 'from', 'to'] as const
type Field = (typeof FIELDS)[number]

export default function Search() {
  const { t } = useI18n()
  const ts = t.forum.search
  const location = useLocation()
  const navigate = useNavigate()
  const params = new URLSearchParams(location.search)
  const page = usePageParam(location.search)
  const fromUrl = () => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<Field, string>
  const [v, setV] = useState(fromUrl)
  const [cats, setCats] = useState<Category[]>([])
  const [res, setRes] = useState<SearchResult | null>(null)
  const [loading, setLoading] = useState(false)
  const [errs, setErrs] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState('')

  useEffect(() => {
    forumApi.categories().then(setCats, () => undefined)
  }, [])

  // The URL is the search: run it whenever it changes.
  useEffect(() => {
    const cur = fromUrl()
    setV(cur)
    if (cur.q.trim().length < 2) {
      setRes(null)
      return
    }
    const ctl = new AbortController()
    setLoading(true)
    setGeneral('')
    const q: Record<string, string | number> = { page }
    for (const f of FIELDS) if (cur[f]) q[f] = cur[f]
    forumApi.search(q, ctl.signal).then(
      (r) => {
        // Rendered in slices: input stays responsive on a slow phone.
        startTransition(() => {
          setRes(r)
          setErrs({})
          setLoading(false)
        })
      },
      (e) => {
        if (e instanceof DOMException) return
        setLoading(false)
        if (e instanceof ApiError && Object.keys(e.fields).length) setErrs(e.fields)
        else setGeneral(apiErrorMessage(e, t))
      },
    )
    return () => ctl.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- searches when the URL query changes; page and the form state follow from it
  }, [location.search])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (v.q.trim().length < 2) {
      setErrs({ q: ts.qTooShort })
      document.getElementById('s-q')?.focus()
      return
    }
    const q = new URLSearchParams()
    for (const f of FIELDS) if (v[f].trim()) q.set(f, v[f].trim())
    navigate('/cerca?' + q.toString())
  }

  const input = (f: Field, label: string, type = 'text', hint?: string) => (
    <div className="form-group mb-3">
      <label htmlFor={'s-' + f} className="active">
        {label}
      </label>
      <input
        id={'s-' + f}
        name={f}
        type={type}
        className={'form-control' + (errs[f] ? ' is-invalid' : '')}
        value={v[f]}
        aria-invalid={errs[f] ? true : undefined}
        aria-describedby={[hint ? `s-${f}-hint` : '', errs[f] ? `s-${f}-error` : ''].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setV({ ...v, [f]: e.target.value })}
      />
      {hint ? (
        <small id={`s-${f}-hint`} className="form-text">
          {hint}
        </small>
      ) : null}
      {errs[f] ? (
        <div id={`s-${f}-error`} className="invalid-feedback d-block">
          {errs[f]}
        </div>
      ) : null}
    </div>
  )
  const catName = (id: string) => cats.find((c) => c.id === id)?.name ?? ''
  return (
    <Page title={ts.title}>
      <form role="search" aria-label={ts.title} onSubmit={submit} noValidate className="forum-search mb-4">
        {input('q', ts.q, 'search', ts.qHint)}
        <fieldset className="mb-2">
          <legend className="h6 mb-4">{ts.filters}</legend>
          <div className="row">
            <div className="col-md-4">
              <div className="select-wrapper mb-3">
                <label htmlFor="s-category" className="active">
                  {ts.category}
                </label>
                <select id="s-category" value={v.category} onChange={(e) => setV({ ...v, category: e.target.value })}>
                  <option value="">{ts.anyCategory}</option>
                  {cats.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="col-md-4">{input('author', ts.author)}</div>
            <div className="col-md-4">{input('administration', ts.administration)}</div>
            <div className="col-md-4">{input('from', ts.from, 'date')}</div>
            <div className="col-md-4">{input('to', ts.to, 'date')}</div>
          </div>
        </fieldset>
        <button type="submit" className="btn btn-primary">
          {ts.submit}
        </button>
      </form>
      <ErrorAlert text={general} />
      <div role="status" aria-live="polite" className="mb-2">
        {res && !loading ? ts.results(res.total) : ''}
      </div>
      {loading ? <Loading /> : null}
      {res && !loading && (res.items ?? []).length > 0 ? (
        <section aria-labelledby="search-results-title">
          <h2 id="search-results-title" className="h4">
            {ts.resultsTitle}
          </h2>
          <ol className="list-unstyled search-results" start={(res.page - 1) * res.per_page + 1}>
            {(res.items ?? []).map((h) => (
              <li key={h.post_id} className="border-bottom py-3">
                <h3 className="h5 mb-1">
                  <Link to={`/forum/p/${h.post_id}`}>{h.title}</Link>
                </h3>
                {/* Only text and <mark> survive safeSnippet. */}
                <p className="mb-1 search-snippet" dangerouslySetInnerHTML={{ __html: safeSnippet(h.snippet) }} />
                <p className="small mb-0 text-muted-accessible">
                  #{h.n} · {h.author_name}
                  {h.administration_name ? ` (${h.administration_name})` : ''} · <DateTime value={h.created_at} />
                  {catName(h.category_id) ? ` · ${ts.in(catName(h.category_id))}` : ''}
                </p>
              </li>
            ))}
          </ol>
          <Pagination page={res.page} total={res.total} perPage={res.per_page} />
        </section>
      ) : null}
    </Page>
  )
}
