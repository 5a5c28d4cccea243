// The table's live room beside it, built from the rooms' own parts: the
// conversation (useRoom, MessageItem), the outbox and the composer. Replies,
// reactions and moderation stay on the room's own page, linked here: a
// message's delete or report action opens it at that message.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { MessageItem, type MessageActions } from '../rooms/MessageItem'
import { OutboxList } from '../rooms/OutboxList'
import { RoomComposer, type ComposerSend } from '../rooms/RoomComposer'
import { useOutbox } from '../rooms/useOutbox'
import { useRoom } from '../rooms/useRoom'
import '../forum/forum.css'
import '../rooms/rooms.css'

export function RoomPanel({ roomId }: { roomId: string }) {
  const { t } = useI18n()
  const tc = t.compare
  const { user } = useSession()
  const userId = user?.id ?? ''
  const navigate = useNavigate()
  const logRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const textareaRef = useRef<HTMLTextAreaElement>(null) as RefObject<HTMLTextAreaElement>
  const [, setSent] = useState(0)
  const view = useRoom(roomId, {})
  const { room, conv, status } = view
  const put = view.put
  const outbox = useOutbox(roomId, userId, useCallback((m) => {
    put(m)
    setSent((n) => n + 1)
  }, [put]))
  const { reconcileWith } = outbox
  useEffect(() => reconcileWith(conv.messages), [conv.messages, reconcileWith])

  // Follows the end of the conversation while the reader is there.
  useLayoutEffect(() => {
    const el = logRef.current
    if (el && atBottom.current) el.scrollTop = el.scrollHeight
  }, [conv.messages, outbox.items])

  const open = useCallback((seq?: number) => navigate('/stanze/' + encodeURIComponent(roomId) + (seq ? '#m' + seq : '')), [navigate, roomId])
  const actions = useMemo<MessageActions>(
    () => ({
      onReply: (m) => open(m.seq),
      onEdit: async () => open(),
      onDelete: (m) => open(m.seq),
      onReact: (m) => open(m.seq),
      onReport: (m) => open(m.seq),
      onMute: (m) => open(m.seq),
      onPromote: (m) => open(m.seq),
      onJump: (seq) => {
        const el = document.getElementById('m' + seq)
        if (el) el.focus()
        else open(seq)
      },
    }),
    [open],
  )

  const send = (s: ComposerSend) => {
    outbox.add(s.body, { attachment_ids: s.attachment_ids })
    atBottom.current = true
  }

  const roomLink = '/stanze/' + encodeURIComponent(roomId)
  return (
    <section className="compare-room card card-bg p-3" aria-labelledby="compare-room-title" data-testid="table-room" data-anchor="room">
      <h2 id="compare-room-title" className="h4">
        {tc.room}
      </h2>
      <p className="small">
        <Link to={roomLink}>{tc.openRoom}</Link>
      </p>
      {status === 'loading' ? <p>{t.common.loading}</p> : null}
      {status === 'missing' || status === 'error' ? <p>{tc.roomMissing}</p> : null}
      {room ? (
        <>
          <div
            ref={logRef}
            className="room-log compare-room-log"
            tabIndex={0}
            role="region"
            aria-label={t.rooms.logLabel(room.name)}
            onScroll={(e) => {
              const el = e.currentTarget
              atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
            }}
          >
            {conv.messages.length === 0 && outbox.items.length === 0 ? <p className="my-2">{t.rooms.empty}</p> : null}
            <ol className="list-unstyled mb-0 room-messages">
              {conv.messages.map((m) => (
                <li key={m.seq}>
                  <MessageItem roomId={roomId} message={m} userId={userId} moderator={false} writable={false} actions={actions} />
                </li>
              ))}
            </ol>
            <OutboxList items={outbox.items} userName={user?.name ?? ''} onRetry={outbox.retry} onDiscard={outbox.discard} />
          </div>
          {!room.archived && room.me.can_send ? (
            <div className="mt-2">
              <RoomComposer room={room} replyTo={null} onCancelReply={() => undefined} onSend={send} onTyping={() => undefined} slowUntil={0} textareaRef={textareaRef} />
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
