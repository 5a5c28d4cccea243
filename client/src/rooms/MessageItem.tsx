// One message of a room: author, time, what it answers, its text or the
// deleted mark, files, reactions, replies, and the actions the reader may take.
import { memo, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Composer } from '../forum/Composer'
import { DateTime, Dialog } from '../forum/common'
import { AttachmentList, HistoryList } from '../forum/PostParts'
import type { HistoryEntry } from '../forum/api'
import { clearLocalDraft } from '../forum/drafts'
import { ROOM_EMOJI, roomsApi, type Message, type RoomEmoji } from './api'
import { canEdit } from './messages'
import { HiddenNotice, veiled } from '../moderation/Hidden'

export interface MessageActions {
  onReply: (m: Message) => void
  onEdit: (m: Message, body: string) => Promise<void>
  onDelete: (m: Message) => void
  onReact: (m: Message, emoji: RoomEmoji, on: boolean) => void
  onReport: (m: Message) => void
  onMute: (m: Message) => void
  onPromote: (m: Message) => void
  onJump: (seq: number) => void
}


/** Memoised: a live event or a typing indicator re-renders the page, not every message. */
export const MessageItem = memo(function MessageItem({
  roomId,
  message: m,
  userId,
  moderator,
  writable,
  actions,
}: {
  roomId: string
  message: Message
  userId: string
  moderator: boolean
  /** The room takes messages from this reader (not archived, not muted). */
  writable: boolean
  actions: MessageActions
}) {
  const { t, dateTime } = useI18n()
  const tr = t.rooms
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState('')
  const [editError, setEditError] = useState('')
  const [saving, setSaving] = useState(false)
  const [replies, setReplies] = useState<Message[] | null>(null)
  const [repliesOpen, setRepliesOpen] = useState(false)
  const [repliesError, setRepliesError] = useState('')
  const [pickerOpen, setPickerOpen] = useState(false)
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const [histOpen, setHistOpen] = useState(false)
  const [histErr, setHistErr] = useState('')
  const mine = m.author.id === userId
  const openHistory = () => {
    setHistOpen(true)
    setHistErr('')
    roomsApi.history(roomId, m.seq).then(
      (r) => setHistory(r.versions),
      (e: unknown) => setHistErr(apiErrorMessage(e, t)),
    )
  }
  const headId = `m${m.seq}-head`
  const editKey = `room-edit:${roomId}:${m.seq}`

  const submitEdit = (e: FormEvent) => {
    e.preventDefault()
    if (!draft.trim()) return
    setSaving(true)
    setEditError('')
    actions.onEdit(m, draft).then(
      () => {
        setSaving(false)
        setEditing(false)
        clearLocalDraft(userId, editKey)
        document.getElementById(`m${m.seq}`)?.focus()
      },
      (err: unknown) => {
        setSaving(false)
        setEditError(apiErrorMessage(err, t))
      },
    )
  }

  const toggleReplies = () => {
    const open = !repliesOpen
    setRepliesOpen(open)
    if (open) {
      setRepliesError('')
      roomsApi.replies(roomId, m.seq).then(
        (r) => setReplies(r.messages),
        (e: unknown) => setRepliesError(apiErrorMessage(e, t)),
      )
    }
  }

  return (
    <article id={`m${m.seq}`} className={'room-message' + (mine ? ' room-message-mine' : '') + (m.deleted ? ' room-message-deleted' : '')} aria-labelledby={headId} tabIndex={-1} data-seq={m.seq} data-testid={`message-${m.seq}`}>
      <header className="d-flex flex-wrap align-items-baseline gap-2">
        <h3 id={headId} className="h6 mb-0">
          <span className="visually-hidden">{tr.messageBy(m.author.name, dateTime(m.created_at))}</span>
          <strong aria-hidden="true">{m.author.name}</strong>
        </h3>
        {m.author.administration_name ? <span className="small text-muted-accessible">{m.author.administration_name}</span> : null}
        <span className="small" aria-hidden="true">
          <DateTime value={m.created_at} />
        </span>
        {m.edited_at && !m.deleted ? (
          <span className="small fst-italic room-edited" title={dateTime(m.edited_at)}>
            ({tr.edited})
          </span>
        ) : null}
      </header>
      {m.reply_to ? (
        <p className="room-reply-preview small mb-1">
          {!m.reply_to.deleted && !m.reply_to.author_name ? (
            // answers a message this reader may not read (from before they joined) or has not loaded
            <span className="text-muted-accessible">
              <span aria-hidden="true">↩ </span>
              {tr.replyToEarlier}
            </span>
          ) : (
            <button type="button" className="btn btn-link btn-sm p-0 text-start" onClick={() => actions.onJump(m.reply_to!.seq)} aria-label={`${m.reply_to.deleted ? tr.replyToDeleted : tr.replyTo(m.reply_to.author_name)}. ${tr.goToOriginal}`}>
              <span aria-hidden="true">↩ </span>
              {m.reply_to.deleted ? tr.replyToDeleted : tr.replyTo(m.reply_to.author_name)}
            </button>
          )}
          {!m.reply_to.deleted && m.reply_to.excerpt ? <span className="room-reply-excerpt d-block text-muted-accessible">{m.reply_to.excerpt}</span> : null}
        </p>
      ) : null}
      {m.deleted ? (
        <p className="fst-italic text-muted-accessible mb-1" data-testid="deleted-mark">
          {m.deleted_by_moderator ? tr.deletedByModerator : tr.deleted}
        </p>
      ) : veiled(m) ? (
        <HiddenNotice />
      ) : editing ? (
        <form onSubmit={submitEdit} noValidate>
          <Composer draftKey={editKey} label={tr.editLabel} value={draft} onChange={setDraft} initial={m.body} localOnly rows={3} autoFocus error={editError} />
          <div className="d-flex gap-2">
            <button type="submit" className="btn btn-primary btn-sm" disabled={saving}>
              {tr.save}
            </button>
            <button
              type="button"
              className="btn btn-outline-primary btn-sm"
              onClick={() => {
                setEditing(false)
                clearLocalDraft(userId, editKey)
              }}
            >
              {t.common.cancel}
            </button>
          </div>
        </form>
      ) : (
        <>
          {m.hidden ? <HiddenNotice reason={m.hidden_reason} /> : null}
          {/* Server-rendered and sanitised markdown, as forum posts. */}
          <div className="room-message-body" dangerouslySetInnerHTML={{ __html: m.html }} />
          <AttachmentList attachments={m.attachments} />
        </>
      )}
      {m.promoted_thread_id ? (
        <p className="small mb-1">
          <Link to={`/forum/t/${encodeURIComponent(m.promoted_thread_id)}`}>{tr.promoted}</Link>
        </p>
      ) : null}
      {!m.deleted && !veiled(m) && !editing ? (
        // Only the reactions given are shown (fewer stops for the Tab key); the others behind "React".
        <div className="room-reactions d-flex flex-wrap align-items-center gap-1 mb-1" role="group" aria-label={tr.reactionsLabel}>
          {ROOM_EMOJI.filter((k) => pickerOpen || m.reactions?.some((x) => x.emoji === k && (x.count > 0 || x.mine))).map((k) => {
            const r = m.reactions?.find((x) => x.emoji === k)
            const pressed = !!r?.mine
            const count = r?.count ?? 0
            return (
              <button
                key={k}
                type="button"
                className={'btn btn-xs reaction ' + (pressed ? 'btn-primary' : 'btn-outline-primary')}
                aria-pressed={pressed}
                aria-label={tr.reaction(tr.emoji[k], count)}
                title={tr.emoji[k]}
                disabled={!writable}
                onClick={() => {
                  actions.onReact(m, k, !pressed)
                  setPickerOpen(false)
                }}
                data-reaction={k}
              >
                <span aria-hidden="true">{k}</span>
                {count > 0 ? <span className="reaction-count ms-1" aria-hidden="true">{count}</span> : null}
              </button>
            )
          })}
          {writable ? (
            <button type="button" className="btn btn-link btn-sm p-0 ms-1" aria-expanded={pickerOpen} onClick={() => setPickerOpen(!pickerOpen)}>
              {pickerOpen ? tr.reactClose : tr.react}
            </button>
          ) : null}
        </div>
      ) : null}
      {!editing ? (
        <div className="room-message-actions d-flex flex-wrap gap-2" role="group" aria-label={tr.actionsFor(m.author.name)}>
          {m.reply_count > 0 ? (
            <button type="button" className="btn btn-link btn-sm p-0" aria-expanded={repliesOpen} onClick={toggleReplies}>
              {repliesOpen ? tr.hideReplies : tr.replies(m.reply_count)}
            </button>
          ) : null}
          {writable && !m.deleted ? (
            <button type="button" className="btn btn-link btn-sm p-0" aria-label={tr.replyLabel(m.author.name)} onClick={() => actions.onReply(m)}>
              {tr.reply}
            </button>
          ) : null}
          {writable && canEdit(m, userId, Date.now()) ? (
            <button
              type="button"
              className="btn btn-link btn-sm p-0"
              onClick={() => {
                setDraft(m.body)
                setEditError('')
                setEditing(true)
              }}
            >
              {tr.edit}
            </button>
          ) : null}
          {!m.deleted && (mine || moderator) ? (
            <button type="button" className="btn btn-link btn-sm p-0 text-danger" onClick={() => actions.onDelete(m)}>
              {tr.delete}
            </button>
          ) : null}
          {!m.deleted && !m.hidden && !mine ? (
            <button type="button" className="btn btn-link btn-sm p-0" onClick={() => actions.onReport(m)}>
              {tr.report}
            </button>
          ) : null}
          {moderator && !mine ? (
            <button type="button" className="btn btn-link btn-sm p-0" onClick={() => actions.onMute(m)}>
              {tr.mute}
            </button>
          ) : null}
          {moderator && !m.deleted && !m.promoted_thread_id ? (
            <button type="button" className="btn btn-link btn-sm p-0" onClick={() => actions.onPromote(m)}>
              {tr.promote}
            </button>
          ) : null}
          {moderator && (m.edited_at || m.deleted) ? (
            <button type="button" className="btn btn-link btn-sm p-0" onClick={openHistory}>
              {t.forum.history}
            </button>
          ) : null}
        </div>
      ) : null}
      {repliesOpen ? (
        <section className="room-replies ms-3 mt-1" aria-label={tr.repliesTitle}>
          {repliesError ? <p className="text-danger small">{repliesError}</p> : null}
          {replies === null && !repliesError ? <p className="small">{t.common.loading}</p> : null}
          <ul className="list-unstyled mb-0">
            {(replies ?? []).map((r) => (
              <li key={r.seq} className="small mb-1">
                <button type="button" className="btn btn-link btn-sm p-0 text-start" onClick={() => actions.onJump(r.seq)}>
                  <strong>{r.author.name}</strong>
                </button>
                : {r.deleted ? tr.deleted : r.body.slice(0, 140)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {moderator ? (
        <Dialog open={histOpen} title={t.forum.history} onClose={() => setHistOpen(false)}>
          {histErr ? <p className="text-danger">{histErr}</p> : null}
          {history === null && !histErr ? <p>{t.common.loading}</p> : null}
          {history && history.length === 0 ? <p>{t.forum.historyEmpty}</p> : null}
          {history && history.length > 0 ? <HistoryList history={history} current={m.body} /> : null}
        </Dialog>
      ) : null}
    </article>
  )
})
