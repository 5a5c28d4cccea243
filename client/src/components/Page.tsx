import { useEffect, type ReactNode } from 'react'
import { useT } from '../i18n'

/** Sets the document title and renders the page's single <h1>. */
export function Page({ title, lead, children, narrow }: { title: string; lead?: ReactNode; children?: ReactNode; narrow?: boolean }) {
  const t = useT()
  useEffect(() => {
    document.title = `${title} · ${t.common.boardName}`
  }, [title, t])
  return (
    <div className={narrow ? 'row justify-content-center' : undefined}>
      <div className={narrow ? 'col-12 col-md-10 col-lg-7' : undefined}>
        <h1 className="mb-4">{title}</h1>
        {lead ? <p className="lead mb-4">{lead}</p> : null}
        {children}
      </div>
    </div>
  )
}

export function Loading() {
  const t = useT()
  return (
    <div className="d-flex align-items-center gap-2 my-5" role="status">
      <div className="progress-spinner progress-spinner-active size-sm" aria-hidden="true" />
      <span>{t.common.loading}</span>
    </div>
  )
}
