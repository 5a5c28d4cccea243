import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { Link, useLocation } from 'react-router-dom'
import { useI18n, useT } from '../i18n'
import { pageCount } from './text'

/**
 * A polite live region that is always in the DOM (so screen readers notice
 * changes) and a function to say something in it. Never moves the focus.
 */
export function useAnnouncer(): [ReactNode, (msg: string) => void] {
  const [msg, setMsg] = useState('')
  const timer = useRef<number | undefined>(undefined)
  const say = useCallback((m: string) => {
    // Clear first so the same text twice is announced twice.
    setMsg('')
    window.clearTimeout(timer.current)
    timer.current = window.setTimeout(() => setMsg(m), 50)
  }, [])
  useEffect(() => () => window.clearTimeout(timer.current), [])
  const region = (
    <div className="visually-hidden" aria-live="polite" role="status" data-testid="live-announcer">
      {msg}
    </div>
  )
  return [region, say]
}

/** Page links keeping the other query parameters. */
export function Pagination({ page, total, perPage, label }: { page: number; total: number; perPage: number; label?: string }) {
  const t = useT()
  const location = useLocation()
  const pages = pageCount(total, perPage)
  if (pages <= 1) return null
  const href = (p: number) => {
    const q = new URLSearchParams(location.search)
    if (p === 1) q.delete('page')
    else q.set('page', String(p))
    const s = q.toString()
    return location.pathname + (s ? '?' + s : '')
  }
  const nums: number[] = []
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) nums.push(p)
  if (nums[0] !== 1) nums.unshift(1)
  if (nums[nums.length - 1] !== pages) nums.push(pages)
  return (
    <nav className="pagination-wrapper my-4" aria-label={label ?? t.forum.pagination}>
      <ul className="pagination flex-wrap">
        <li className={'page-item' + (page <= 1 ? ' disabled' : '')}>
          {page > 1 ? (
            <Link className="page-link" to={href(page - 1)}>
              {t.forum.prev}
            </Link>
          ) : (
            <span className="page-link" aria-disabled="true">
              {t.forum.prev}
            </span>
          )}
        </li>
        {nums.map((p, i) => (
          <li className="page-item" key={p}>
            {i > 0 && p - nums[i - 1] > 1 ? <span className="page-link border-0" aria-hidden="true">…</span> : null}
            {p === page ? (
              <span className="page-link active" aria-current="page">
                <span className="visually-hidden">{t.forum.page(p)}</span>
                <span aria-hidden="true">{p}</span>
              </span>
            ) : (
              <Link className="page-link" to={href(p)} aria-label={t.forum.page(p)}>
                {p}
              </Link>
            )}
          </li>
        ))}
        <li className={'page-item' + (page >= pages ? ' disabled' : '')}>
          {page < pages ? (
            <Link className="page-link" to={href(page + 1)}>
              {t.forum.next}
            </Link>
          ) : (
            <span className="page-link" aria-disabled="true">
              {t.forum.next}
            </span>
          )}
        </li>
      </ul>
    </nav>
  )
}

/** <time> with dd/mm/yyyy HH:mm in Europe/Rome. */
export function DateTime({ value }: { value: string | null | undefined }) {
  const { dateTime } = useI18n()
  if (!value) return null
  return <time dateTime={value}>{dateTime(value)}</time>
}

/** A modal dialog on the native <dialog>: focus trap, Escape, focus back to the opener. */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const t = useT()
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useRef('dlg-' + Math.random().toString(36).slice(2)).current
  /** What had the focus before the dialog opened: it gets it back on close (Escape included). */
  const opener = useRef<Element | null>(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) {
      opener.current = document.activeElement
      d.showModal()
    }
    if (!open) {
      if (d.open) d.close()
      const o = opener.current
      opener.current = null
      if (o instanceof HTMLElement && o.isConnected) o.focus()
    }
  }, [open])
  return (
    // React passes a nested dialog's close and cancel up the tree: only this one's own close this one.
    <dialog ref={ref} className="forum-dialog" aria-labelledby={titleId} onClose={(e) => e.target === e.currentTarget && onClose()} onCancel={(e) => e.target === e.currentTarget && onClose()}>
      <div className="d-flex justify-content-between align-items-start gap-3 mb-3">
        <h2 id={titleId} className="h4 mb-0">
          {title}
        </h2>
        <button type="button" className="btn btn-outline-primary btn-sm" onClick={onClose}>
          {t.forum.close}
        </button>
      </div>
      {open ? children : null}
    </dialog>
  )
}

export { pageParam as usePageParam } from './pageParam'

export function ErrorAlert({ text }: { text: string }) {
  if (!text) return null
  return (
    <div className="alert alert-danger" role="alert">
      {text}
    </div>
  )
}
