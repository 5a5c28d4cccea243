// The cell comments on the record page: a button on each field (the same
// cells as the comparison table's rows, so a comment shows in both) opens
// the comments' dialog. A link with ?campo=<cell> (the moderation queue's)
// brings the reader to that field and opens its comments; closing the
// dialog leaves the focus on the field's button.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { useSearchParams } from 'react-router-dom'
import { useI18n } from '../i18n'
import { Icon } from '../components/Icon'
import { useTopic } from '../realtime/hooks'
import { compareApi } from '../compare/api'
import { CommentsDialog, type CommentCell } from '../compare/CommentsDialog'
import '../compare/compare.css'

/** The cell a record page's row is about: an object's parts share the object's ("penali.previste" → "penali"). */
export const rowCell = (path: string) => path.split('.')[0]

const buttonId = (cell: string) => 'exp-cc-' + cell.replace(/[^\w-]/g, '_')

export interface RecordComments {
  /** The button of a cell's comments (null while the counts load, or when the reader may not read them). */
  button: (cell: string, label: string) => ReactNode
  dialog: ReactNode
}

export function useRecordComments(record: { id: string; version: number; titolo: string }, labelOf: (cell: string) => string): RecordComments {
  const { t } = useI18n()
  const tc = t.compare
  const [counts, setCounts] = useState<Record<string, number> | null>(null)
  const [open, setOpen] = useState<CommentCell | null>(null)
  const [params] = useSearchParams()
  const campo = params.get('campo')
  const jumped = useRef(false)
  const asked = useRef(0)

  const loadCounts = useCallback(() => {
    const ask = ++asked.current
    compareApi.counts([record.id]).then(
      (r) => ask === asked.current && setCounts(r.counts?.[record.id] ?? null),
      () => undefined, // the buttons keep their last numbers
    )
  }, [record.id])
  useEffect(loadCounts, [loadCounts])
  useTopic('experience:' + record.id, 'live', (ev) => ev.event === 'comment.created' && loadCounts(), loadCounts)

  const openCell = useCallback(
    (cell: string, label: string) => setOpen({ experienceId: record.id, field: cell, title: tc.commentsTitle(label, record.titolo) }),
    [record.id, record.titolo, tc],
  )

  // The link's field, once: its button (the object's for a part) comes into
  // view and takes the focus, then the dialog opens over it.
  useEffect(() => {
    if (jumped.current || !campo || counts === null) return
    jumped.current = true
    const b = document.getElementById(buttonId(campo)) ?? document.getElementById(buttonId(rowCell(campo)))
    if (!b) return
    b.scrollIntoView({ block: 'center' })
    b.focus({ preventScroll: true })
    openCell(campo, labelOf(campo))
  }, [campo, counts, openCell, labelOf])

  const button = (cell: string, label: string) => {
    if (counts === null) return null
    const n = counts[cell] ?? 0
    return (
      <button
        type="button"
        id={buttonId(cell)}
        className={'btn btn-link btn-xs p-0 ms-2 compare-comments' + (n ? ' has-comments' : '')}
        aria-haspopup="dialog"
        aria-label={tc.commentsOn(n, label, record.titolo)}
        onClick={() => openCell(cell, label)}
        data-testid="field-comments"
      >
        <Icon name="it-comment" size="xs" />
        {n ? <span aria-hidden="true">{n}</span> : null}
      </button>
    )
  }

  const dialog = (
    <CommentsDialog cell={open} reloadKey={`${record.version}:${open ? (counts?.[open.field] ?? 0) : 0}`} onClose={() => setOpen(null)} onAdded={loadCounts} />
  )
  return { button, dialog }
}
