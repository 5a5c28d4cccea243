// The room's confirmation dialogs: delete a message, report it (the moderation's dialog), mute its author.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { forumApi, type Category } from '../forum/api'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Dialog } from '../forum/common'
import { type Message } from './api'
import { ReportDialog } from '../moderation/ReportDialog'
import type { ReportReason } from '../moderation/api'

export type RoomDialog = { kind: 'delete' | 'report' | 'mute' | 'promote'; message: Message } | null

/** A dialog whose form runs act, shows its error, and closes when it succeeds. */
function ActionDialog({ title, open, onClose, act, submit, danger, children }: { title: string; open: boolean; onClose: () => void; act: () => Promise<void>; submit: string; danger?: boolean; children?: ReactNode }) {
  const { t } = useI18n()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    act().then(
      () => {
        setBusy(false)
        onClose()
      },
      (err: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(err, t))
      },
    )
  }
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate>
        {error ? (
          <p className="text-danger" role="alert">
            {error}
          </p>
        ) : null}
        {children}
        <div className="d-flex flex-wrap gap-2">
          <button type="submit" className={'btn btn-sm ' + (danger ? 'btn-danger' : 'btn-primary')} disabled={busy}>
            {submit}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={onClose}>
            {t.common.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export const MUTE_MINUTES = [10, 60, 1440, 10080]

export function RoomDialogs({
  dialog,
  onClose,
  onDelete,
  onReport,
  onMute,
  onPromote,
}: {
  dialog: RoomDialog
  onClose: () => void
  onDelete: (m: Message) => Promise<void>
  onReport: (m: Message, reason: ReportReason, text: string) => Promise<void>
  onMute: (m: Message, minutes: number, reason: string) => Promise<void>
  onPromote: (m: Message, categoryId: string, title: string) => Promise<void>
}) {
  const { t } = useI18n()
  const tr = t.rooms
  const [minutes, setMinutes] = useState(60)
  const [muteReason, setMuteReason] = useState('')
  const [categories, setCategories] = useState<Category[] | null>(null)
  const [category, setCategory] = useState('')
  const [title, setTitle] = useState('')
  const m = dialog?.message
  const promoting = dialog?.kind === 'promote'
  useEffect(() => {
    if (!promoting) return
    setTitle(m ? m.body.replace(/\s+/g, ' ').trim().slice(0, 80) : '')
    if (categories === null)
      forumApi.categories().then(
        (cs) => {
          const open = cs.filter((c) => !c.archived)
          setCategories(open)
          setCategory((c) => c || open[0]?.id || '')
        },
        () => setCategories([]),
      )
  }, [promoting, m, categories])
  return (
    <>
      <ActionDialog title={tr.deleteTitle} open={dialog?.kind === 'delete'} onClose={onClose} act={() => onDelete(m!)} submit={tr.deleteConfirm} danger>
        <p>{tr.deleteBody}</p>
      </ActionDialog>
      <ReportDialog open={dialog?.kind === 'report'} title={tr.reportTitle} onClose={onClose} onSend={(reason, text) => onReport(m!, reason, text)} />
      <ActionDialog title={m ? tr.muteTitle(m.author.name) : tr.mute} open={dialog?.kind === 'mute'} onClose={onClose} act={() => onMute(m!, minutes, muteReason.trim())} submit={tr.muteConfirm} danger>
        <div className="select-wrapper mb-3">
          <label htmlFor="mute-minutes">{tr.muteFor}</label>
          <select id="mute-minutes" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {MUTE_MINUTES.map((n) => (
              <option key={n} value={n}>
                {tr.muteMinutes(n)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor="mute-reason" className="active">
            {tr.muteReason}
          </label>
          <textarea id="mute-reason" className="form-control" rows={2} maxLength={500} value={muteReason} onChange={(e) => setMuteReason(e.target.value)} />
        </div>
      </ActionDialog>
      <ActionDialog title={tr.promoteTitle} open={promoting} onClose={onClose} act={() => onPromote(m!, category, title.trim())} submit={tr.promoteConfirm}>
        <p>{tr.promoteBody}</p>
        <div className="select-wrapper mb-3">
          <label htmlFor="promote-category">{t.forum.category}</label>
          <select id="promote-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            {(categories ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor="promote-title" className="active">
            {tr.promoteThreadTitle}
          </label>
          <input id="promote-title" className="form-control" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
      </ActionDialog>
    </>
  )
}
