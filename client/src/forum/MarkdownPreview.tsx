import { useEffect, useState } from 'react'
import { api } from '../api/client'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'

const PREVIEW_DELAY_MS = 300

/**
 * A composer's preview: the server renders the text with the sanitiser
 * posts go through (POST /markdown/preview), so what shows here is what
 * readers will get. Shown on demand; follows the text while open.
 */
export function MarkdownPreview({ value, id }: { value: string; id: string }) {
  const { t } = useI18n()
  const tc = t.compose
  const [open, setOpen] = useState(false)
  const [html, setHtml] = useState<string | null>(null)
  const [error, setError] = useState('')

  useEffect(() => {
    if (!open) return
    if (!value.trim()) {
      setHtml('')
      setError('')
      return
    }
    const ctl = new AbortController()
    const h = window.setTimeout(() => {
      api.post<{ html: string }>('/markdown/preview', { body: value }, { signal: ctl.signal }).then(
        (r) => {
          setHtml(r.html)
          setError('')
        },
        (e) => {
          if (!ctl.signal.aborted) setError(tc.previewFailed(apiErrorMessage(e, t)))
        },
      )
    }, PREVIEW_DELAY_MS)
    return () => {
      window.clearTimeout(h)
      ctl.abort()
    }
  }, [open, value, t, tc])

  const panelId = id + '-preview'
  return (
    <div className="composer-preview mb-2">
      <button type="button" className="btn btn-outline-primary btn-xs composer-btn" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        {open ? tc.previewHide : tc.previewShow}
      </button>
      <section id={panelId} hidden={!open} aria-label={tc.previewTitle} className="composer-preview-panel mt-1" data-testid="composer-preview">
        {open ? (
          error ? (
            <p className="text-danger mb-0" role="alert">
              {error}
            </p>
          ) : html === null ? (
            <p className="mb-0 text-muted-accessible">{tc.previewLoading}</p>
          ) : html === '' ? (
            <p className="mb-0 text-muted-accessible">{tc.previewEmpty}</p>
          ) : (
            // Sanitised by the server (server/internal/markdown), as Post.html.
            <div className="forum-post-body" dangerouslySetInnerHTML={{ __html: html }} />
          )
        ) : null}
      </section>
    </div>
  )
}
