// The room's composer: the forum's editor (markdown, preview, mentions,
// files, a draft kept in this browser), what the message answers, the slow
// mode's countdown, and the send button that puts it in the outbox.
import { useRef, useState, type FormEvent, type RefObject } from 'react'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { Composer } from '../forum/Composer'
import { clearLocalDraft } from '../forum/drafts'
import type { Attachment } from '../forum/api'
import type { Message, Room } from './api'
import { useNow } from './useNow'

export interface ComposerSend {
  body: string
  reply_to?: number
  reply_excerpt?: string
  attachment_ids?: string[]
}

export function RoomComposer({
  room,
  replyTo,
  onCancelReply,
  onSend,
  onTyping,
  slowUntil,
  textareaRef,
  disabled = false,
}: {
  room: Room
  replyTo: Message | null
  onCancelReply: () => void
  onSend: (s: ComposerSend) => void
  onTyping: () => void
  /** Not before this time (ms): the slow mode's or the rate limit's wait. */
  slowUntil: number
  textareaRef: RefObject<HTMLTextAreaElement>
  /** Shown but not usable (access revoked): what is typed stays. */
  disabled?: boolean
}) {
  const { t } = useI18n()
  const tr = t.rooms
  const { user } = useSession()
  const userId = user?.id ?? 'anon'
  const draftKey = 'room:' + room.id
  const [text, setText] = useState('')
  const attachments = useRef<Attachment[]>([])
  const now = useNow(slowUntil > Date.now())
  const wait = Math.max(0, Math.ceil((slowUntil - now) / 1000))

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const body = text.trim()
    if (!body || disabled) return
    const s: ComposerSend = { body }
    if (replyTo) {
      s.reply_to = replyTo.seq
      s.reply_excerpt = `${replyTo.author.name}: ${replyTo.body.slice(0, 80)}`
    }
    // Only the files whose link is still in the text go with it.
    const ids = attachments.current.filter((a) => body.includes(a.url)).map((a) => a.id)
    if (ids.length) s.attachment_ids = ids
    onSend(s)
    attachments.current = []
    setText('')
    clearLocalDraft(userId, draftKey)
    textareaRef.current?.focus()
  }

  return (
    <form className="room-composer" onSubmit={submit} noValidate>
      {/* A disabled fieldset disables every control in it and keeps their values. */}
      <fieldset disabled={disabled}>
        {replyTo ? (
          <div className="room-replying d-flex align-items-baseline gap-2 small mb-1" data-testid="replying-to">
            <span>
              <span aria-hidden="true">↩ </span>
              {tr.replyingTo(replyTo.author.name)}: <span className="text-muted-accessible">{replyTo.body.slice(0, 80)}</span>
            </span>
            <button type="button" className="btn btn-link btn-sm p-0" onClick={onCancelReply}>
              {tr.cancelReply}
            </button>
          </div>
        ) : null}
        <Composer
          draftKey={draftKey}
          label={tr.composerLabel}
          value={text}
          onChange={setText}
          onInput={onTyping}
          onAttachment={(a) => attachments.current.push(a)}
          textareaRef={textareaRef}
          localOnly
          rows={3}
          name={'room-' + room.id}
        />
        <div className="d-flex flex-wrap align-items-center gap-3">
          <button type="submit" className="btn btn-primary btn-sm" data-testid="room-send">
            {tr.send}
          </button>
          {room.slow_mode_s > 0 ? <span className="small">{tr.slowMode(room.slow_mode_s)}</span> : null}
          {wait > 0 ? (
            <span className="small fw-semibold room-slow-wait" data-testid="slow-wait">
              {tr.slowWait(wait)}
            </span>
          ) : null}
        </div>
      </fieldset>
    </form>
  )
}
