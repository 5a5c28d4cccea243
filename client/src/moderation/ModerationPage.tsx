// The moderation area ("Moderazione"): the review queue in two tabs
// (reported, hidden), filters and sorts, each item with its context, the
// snapshot and the current text; actions one by one or on a selection,
// always with a reason. The queue follows the topic "moderation": what
// another moderator handles leaves the page within a second.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading } from '../components/Page'
import { Dialog, DateTime, ErrorAlert } from '../forum/common'
import { useTopic } from '../realtime/hooks'
import { actionsFor, keepSelected, moderationApi, PAGE_SIZE, REPORT_REASONS, type ModAction, type QueueFilters, type QueueItem, type QueuePage } from './api'

const START: QueueFilters = { state: 'reported', kind: '', reason: '', sort: 'newest', offset: 0 }

export default function ModerationPage() {
  const { t } = useI18n()
  const tm = t.moderation
  const [filters, setFilters] = useState<QueueFilters>(START)
  const [page, setPage] = useState<QueuePage | null>(null)
  const [error, setError] = useState('')
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [acting, setActing] = useState<{ action: ModAction; ids: string[] } | null>(null)
  const [status, setStatus] = useState('')
  const filtersRef = useRef(filters)
  filtersRef.current = filters

  const load = useCallback(async (): Promise<number | undefined> => {
    try {
      const p = await moderationApi.queue(filtersRef.current)
      setPage(p)
      setSelected((s) => keepSelected(s, p))
      setError('')
      return p.seq
    } catch (e) {
      setError(apiErrorMessage(e, t))
      return undefined
    }
  }, [t])
  useEffect(() => {
    void load()
  }, [filters, load])
  // Each change another moderator (or a report) makes: reload the page,
  // coalescing a burst (a bulk action publishes once).
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => (timer.current ? clearTimeout(timer.current) : undefined), [])
  useTopic(
    'moderation',
    page ? page.seq : null,
    () => {
      if (timer.current) return
      timer.current = setTimeout(() => {
        timer.current = null
        void load()
      }, 150)
    },
    () => load(),
  )

  const set = (patch: Partial<QueueFilters>) => setFilters((f) => ({ ...f, offset: 0, ...patch }))
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s)
      if (on) n.add(id)
      else n.delete(id)
      return n
    })
  const items = page?.items ?? []
  const allOn = items.length > 0 && items.every((i) => selected.has(i.id))

  return (
    <div className="container my-4 moderation-page">
      <h1>{tm.title}</h1>
      <p className="lead">{tm.lead}</p>
      <div className="nav nav-tabs mb-3" role="group" aria-label={tm.tabs}>
        {(['reported', 'hidden'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={'nav-link' + (filters.state === s ? ' active' : '')}
            aria-pressed={filters.state === s}
            data-testid={'tab-' + s}
            onClick={() => {
              set({ state: s })
              setSelected(new Set())
            }}
          >
            {s === 'reported' ? tm.tabReported(page?.reported ?? 0) : tm.tabHidden(page?.hidden ?? 0)}
          </button>
        ))}
      </div>
      <form className="row g-3 mb-3" aria-label={tm.filters} onSubmit={(e) => e.preventDefault()}>
        <div className="col-sm-4 select-wrapper">
          <label htmlFor="mod-kind">{tm.kind}</label>
          <select id="mod-kind" value={filters.kind} onChange={(e) => set({ kind: e.target.value })}>
            <option value="">{tm.anyKind}</option>
            {['post', 'message'].map((k) => (
              <option key={k} value={k}>
                {tm.kinds[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="col-sm-4 select-wrapper">
          <label htmlFor="mod-reason">{tm.reason}</label>
          <select id="mod-reason" value={filters.reason} onChange={(e) => set({ reason: e.target.value })}>
            <option value="">{tm.anyReason}</option>
            {REPORT_REASONS.map((r) => (
              <option key={r} value={r}>
                {tm.reasons[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="col-sm-4 select-wrapper">
          <label htmlFor="mod-sort">{tm.sort}</label>
          <select id="mod-sort" value={filters.sort} onChange={(e) => set({ sort: e.target.value as QueueFilters['sort'] })}>
            <option value="newest">{tm.sortNewest}</option>
            <option value="most_reported">{tm.sortMostReported}</option>
          </select>
        </div>
      </form>
      <ErrorAlert text={error} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      {page === null && !error ? <Loading /> : null}
      {page && items.length === 0 ? <p data-testid="queue-empty">{tm.empty}</p> : null}
      {items.length > 0 ? (
        <>
          <div className="d-flex flex-wrap align-items-center gap-3 mb-2 p-2 bg-light moderation-bulk" role="group" aria-label={tm.bulkBar}>
            <div className="form-check mb-0">
              <input
                className="form-check-input"
                type="checkbox"
                id="mod-all"
                checked={allOn}
                onChange={(e) => setSelected(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
              />
              <label className="form-check-label" htmlFor="mod-all">
                {tm.selectAll}
              </label>
            </div>
            <span data-testid="selected-count">{tm.selected(selected.size)}</span>
            {actionsFor(filters.state).map((a) => (
              <button key={a} type="button" className="btn btn-outline-primary btn-sm" disabled={selected.size === 0} data-testid={'bulk-' + a} onClick={() => setActing({ action: a, ids: [...selected] })}>
                {tm.actions[a]}
              </button>
            ))}
          </div>
          <p className="small">{tm.total(page!.total)}</p>
          <ol className="list-unstyled moderation-queue" aria-label={filters.state === 'reported' ? tm.tabReported(page!.reported) : tm.tabHidden(page!.hidden)}>
            {items.map((it) => (
              <QueueEntry key={it.id} item={it} state={filters.state} selected={selected.has(it.id)} onSelect={(on) => toggle(it.id, on)} onAct={(a) => setActing({ action: a, ids: [it.id] })} />
            ))}
          </ol>
          <nav aria-label={tm.pagination} className="d-flex gap-2">
            <button type="button" className="btn btn-outline-primary btn-sm" disabled={filters.offset === 0} onClick={() => setFilters((f) => ({ ...f, offset: Math.max(0, f.offset - PAGE_SIZE) }))}>
              {tm.newer}
            </button>
            <button type="button" className="btn btn-outline-primary btn-sm" disabled={filters.offset + PAGE_SIZE >= page!.total} onClick={() => setFilters((f) => ({ ...f, offset: f.offset + PAGE_SIZE }))}>
              {tm.older}
            </button>
          </nav>
        </>
      ) : null}
      <ActionDialog
        acting={acting}
        onClose={() => setActing(null)}
        onDone={(msg) => {
          setActing(null)
          setStatus(msg)
          setSelected(new Set())
          void load()
        }}
      />
    </div>
  )
}

function QueueEntry({ item, state, selected, onSelect, onAct }: { item: QueueItem; state: QueueFilters['state']; selected: boolean; onSelect: (on: boolean) => void; onAct: (a: ModAction) => void }) {
  const { t } = useI18n()
  const tm = t.moderation
  const headId = 'mod-' + item.id.replace(/[^A-Za-z0-9_-]/g, '_')
  const what = `${tm.kinds[item.kind] ?? item.kind} ${tm.by(item.author.name)}`
  return (
    <li className="card card-bg mb-3 p-3 moderation-item" aria-labelledby={headId} data-testid="queue-item" data-id={item.id}>
      <div className="d-flex flex-wrap align-items-baseline gap-2">
        <div className="form-check mb-0">
          <input className="form-check-input" type="checkbox" id={headId + '-sel'} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
          <label className="form-check-label" htmlFor={headId + '-sel'}>
            <span className="visually-hidden">{tm.select(what)}</span>
          </label>
        </div>
        <h2 id={headId} className="h6 mb-0">
          {what} {tm.in} <Link to={item.link}>{item.place_label}</Link>
        </h2>
        <span className="badge bg-secondary">{tm.openReports(item.open_reports)}</span>
        {item.auto_hidden && state === 'hidden' ? <span className="badge bg-warning text-dark">{tm.autoHidden}</span> : null}
        <span className="small ms-auto">
          <DateTime value={item.last_report_at} />
        </span>
      </div>
      <p className="small mb-1">
        {Object.entries(item.reasons)
          .map(([r, n]) => `${tm.reasons[r] ?? r}: ${n}`)
          .join(' · ')}
        {item.warnings > 0 ? ' · ' + tm.warnings(item.warnings) : ''}
      </p>
      <div className="row g-2">
        <div className="col-md-6">
          <h3 className="h6 small text-muted-accessible mb-1">{tm.snapshot}</h3>
          <blockquote className="moderation-text mb-2">{item.snapshot}</blockquote>
        </div>
        <div className="col-md-6">
          <h3 className="h6 small text-muted-accessible mb-1">{tm.current}</h3>
          {item.current === null ? <p className="fst-italic">{tm.gone}</p> : item.current === item.snapshot ? <p className="fst-italic small">{tm.same}</p> : <blockquote className="moderation-text mb-2">{item.current}</blockquote>}
        </div>
      </div>
      <details className="mb-2">
        <summary>
          {tm.reports} ({item.total_reports})
        </summary>
        <ul className="small">
          {item.reports.map((r, i) => (
            <li key={i}>
              <DateTime value={r.at} /> {r.reporter.name}: {tm.reasons[r.reason] ?? r.reason}
              {r.text ? ` — ${r.text}` : ''}
            </li>
          ))}
        </ul>
      </details>
      {item.decision ? <p className="small">{tm.lastDecision(tm.actions[item.decision.action] ?? item.decision.action, item.decision.by.name, item.decision.reason)}</p> : null}
      <div className="d-flex flex-wrap gap-2">
        {actionsFor(state).map((a) => (
          <button key={a} type="button" className={'btn btn-sm ' + (a === 'delete' ? 'btn-outline-danger' : 'btn-outline-primary')} aria-label={`${tm.actions[a]}: ${what}`} data-action={a} onClick={() => onAct(a)}>
            {tm.actions[a]}
          </button>
        ))}
      </div>
    </li>
  )
}

/** The reason dialog of an action on one or more records. */
function ActionDialog({ acting, onClose, onDone }: { acting: { action: ModAction; ids: string[] } | null; onClose: () => void; onDone: (status: string) => void }) {
  const { t } = useI18n()
  const tm = t.moderation
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (acting) {
      setReason('')
      setError('')
    }
  }, [acting])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!acting) return
    if (!reason.trim()) {
      setError(tm.actionReasonMissing)
      document.getElementById('mod-action-reason')?.focus()
      return
    }
    setBusy(true)
    moderationApi.act(acting.action, acting.ids, reason.trim()).then(
      (r) => {
        setBusy(false)
        onDone(tm.done(r.done.length) + (r.skipped.length ? ' ' + tm.skipped(r.skipped.length) : ''))
      },
      (err: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(err, t))
      },
    )
  }
  const title = acting ? tm.actionTitle(tm.actions[acting.action], acting.ids.length) : ''
  return (
    <Dialog open={acting !== null} title={title} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="form-group">
          <label htmlFor="mod-action-reason" className="active">
            {tm.actionReason}
          </label>
          <textarea
            id="mod-action-reason"
            className={'form-control' + (error ? ' is-invalid' : '')}
            rows={3}
            maxLength={500}
            required
            value={reason}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'mod-action-error' : undefined}
            onChange={(e) => {
              setReason(e.target.value)
              setError('')
            }}
          />
          {error ? (
            <div id="mod-action-error" className="invalid-feedback d-block" role="alert">
              {error}
            </div>
          ) : null}
        </div>
        <div className="d-flex flex-wrap gap-2">
          <button type="submit" className={'btn btn-sm ' + (acting?.action === 'delete' ? 'btn-danger' : 'btn-primary')} disabled={busy} data-testid="confirm-action">
            {tm.confirm}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={onClose}>
            {t.common.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
