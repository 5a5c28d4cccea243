// /stanze/:id: the conversation (history paged in as the reader scrolls
// up, keeping their place), the outbox, the composer, who is here and who
// is typing, and the moderators' controls.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { Link, useLocation, useParams } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { ErrorAlert, useAnnouncer } from '../forum/common'
import { realtime } from '../realtime/socket'
import { useConnectionState } from '../realtime/hooks'
import { roomsApi, type Message, type Room } from './api'
import { lastSeq } from './messages'
import { MessageItem, type MessageActions } from './MessageItem'
import { OutboxList } from './OutboxList'
import { PresencePanel } from './PresencePanel'
import { RoomComposer, type ComposerSend } from './RoomComposer'
import { RoomDialogs, type RoomDialog } from './dialogs'
import { RoomManage } from './RoomManage'
import { useOutbox } from './useOutbox'
import { composerMode } from './access'
import { useRoom } from './useRoom'
import { useNow } from './useNow'
import { TYPING_EVERY_MS, TYPING_SHOWN_MS, typingNames } from './typing'

/** Within this many pixels of the end, the reader is "at the bottom" and follows new messages. */
const BOTTOM_SLACK = 48

export default function RoomRoute() {
  const { id = '' } = useParams()
  return <RoomPage key={id} roomId={id} />
}

function RoomPage({ roomId }: { roomId: string }) {
  const { t, dateTime } = useI18n()
  const tr = t.rooms
  const { user } = useSession()
  const userId = user?.id ?? ''
  const [region, say] = useAnnouncer()
  const [typers, setTypers] = useState<Record<string, number>>({})
  const [error, setError] = useState('')
  const [replyTo, setReplyTo] = useState<Message | null>(null)
  const [dialog, setDialog] = useState<RoomDialog>(null)
  const [newBelow, setNewBelow] = useState(0)
  const [lastSentAt, setLastSentAt] = useState(0)
  const conn = useConnectionState()

  const logRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const anchor = useRef<{ height: number; top: number } | null>(null)
  const textareaRef = useRef<HTMLTextAreaElement>(null) as RefObject<HTMLTextAreaElement>
  const lastTyping = useRef(0)
  const readSent = useRef(0)

  const view = useRoom(roomId, {
    onArrived: (ms) => {
      const others = ms.filter((m) => m.author.id !== userId)
      if (others.length === 1) say(tr.announceNew(others[0].author.name, excerpt(others[0])))
      else if (others.length > 1) say(tr.announceMany(others.length))
      if (others.length && !atBottom.current) setNewBelow((n) => n + others.length)
      if (others.length) setTypers((ty) => dropTypers(ty, others.map((m) => m.author.id)))
    },
    onTransient: (ev) => {
      if (ev.event !== 'typing' || !ev.user_id || ev.user_id === userId) return
      setTypers((ty) => ({ ...ty, [ev.user_id]: Date.now() + TYPING_SHOWN_MS }))
    },
  })
  const { room, conv, status, presence, revoked } = view
  const roomRef = useRef(room)
  roomRef.current = room

  const onStored = useCallback(
    (m: Message) => {
      view.put(m)
      setLastSentAt(Date.now())
      // A send went through though this page thought it could not (a mute lifted): ask again.
      if (roomRef.current && !roomRef.current.me.can_send) roomsApi.get(roomId).then(view.setRoom, () => undefined)
    },
    [view.put, view.setRoom, roomId], // eslint-disable-line react-hooks/exhaustive-deps -- put and setRoom are stable
  )
  // A refusal is said (the outbox shows it too) and may mean the room changed for this reader (muted, archived).
  const onRefused = useCallback(
    (code: string, reason: string) => {
      say(tr.failed(reason || (tr.sendErrors as Record<string, string>)[code] || tr.sendErrors.generic))
      if (code === 'muted' || code === 'room_archived' || code === 'forbidden') roomsApi.get(roomId).then(view.setRoom, () => undefined)
    },
    [say, tr, roomId, view.setRoom],
  )
  const outbox = useOutbox(roomId, userId, onStored, onRefused, revoked)
  const { reconcileWith } = outbox
  useEffect(() => reconcileWith(conv.messages), [conv.messages, reconcileWith])

  // The reader's position: sent when the newest message is on screen and the page is seen.
  const setRoom = view.setRoom
  const markRead = useCallback(() => {
    const r = roomRef.current
    const last = lastSeq(conv.messages)
    if (!r || !atBottom.current || document.visibilityState !== 'visible') return
    if (last <= Math.max(readSent.current, r.me.read_seq)) return
    readSent.current = last
    roomsApi.read(r.id, last).then(
      (res) => setRoom((o) => (res.read_seq >= o.me.read_seq ? { ...o, me: { ...o.me, read_seq: res.read_seq, unread: res.unread } } : o)),
      () => {
        readSent.current = 0 // try again next time
      },
    )
  }, [conv.messages, setRoom])
  useEffect(() => {
    const h = window.setTimeout(markRead, 400)
    const onVis = () => markRead()
    document.addEventListener('visibilitychange', onVis)
    return () => {
      window.clearTimeout(h)
      document.removeEventListener('visibilitychange', onVis)
    }
  }, [markRead])

  // Scroll: keep the reader's place when older messages come in above; follow the end when there.
  useLayoutEffect(() => {
    const el = logRef.current
    if (!el) return
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top
      anchor.current = null
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [conv.messages, outbox.items, status])

  const viewLoadOlder = view.loadOlder
  const loadOlder = useCallback(async () => {
    try {
      return await viewLoadOlder(() => {
        const el = logRef.current
        if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop }
      })
    } catch (e) {
      setError(apiErrorMessage(e, t))
      return 0
    }
  }, [viewLoadOlder, t])

  const onScroll = () => {
    const el = logRef.current
    if (!el) return
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK
    if (atBottom.current) {
      if (newBelow) setNewBelow(0)
      markRead()
    }
    if (el.scrollTop < 80 && conv.hasOlder && !view.loadingOlder) void loadOlder()
  }

  const toBottom = () => {
    const el = logRef.current
    if (el) el.scrollTop = el.scrollHeight
    atBottom.current = true
    setNewBelow(0)
    markRead()
  }

  const jump = useCallback(
    async (seq: number) => {
      for (let i = 0; i < 20 && !document.getElementById('m' + seq); i++) {
        if ((await loadOlder()) === 0) break
      }
      const el = document.getElementById('m' + seq)
      if (!el) return
      el.scrollIntoView({ block: 'center' })
      el.focus({ preventScroll: true }) // the reader asked to go there
    },
    [loadOlder],
  )

  // A link to one message (#m<seq>, e.g. from a mention's notification): go there once loaded.
  const { hash } = useLocation()
  const jumped = useRef('')
  useEffect(() => {
    const m = /^#m(\d+)$/.exec(hash)
    if (status !== 'ready' || !m || jumped.current === hash) return
    jumped.current = hash
    atBottom.current = false
    void jump(Number(m[1]))
  }, [status, hash, jump])

  const put = view.put
  const fail = useCallback((e: unknown) => setError(apiErrorMessage(e, t)), [t])
  const actions = useMemo<MessageActions>(
    () => ({
      onReply: (m) => {
        setReplyTo(m)
        textareaRef.current?.focus()
      },
      onEdit: async (m, body) => put(await roomsApi.edit(roomId, m.seq, body)),
      onDelete: (m) => setDialog({ kind: 'delete', message: m }),
      onReact: (m, emoji, on) => void roomsApi.react(roomId, m.seq, emoji, on).then(put, fail),
      onReport: (m) => setDialog({ kind: 'report', message: m }),
      onMute: (m) => setDialog({ kind: 'mute', message: m }),
      onPromote: (m) => setDialog({ kind: 'promote', message: m }),
      onJump: (seq) => void jump(seq),
    }),
    [roomId, put, fail, jump],
  )

  const onTyping = () => {
    const now = Date.now()
    if (now - lastTyping.current < TYPING_EVERY_MS || realtime.getState() !== 'connected') return
    lastTyping.current = now
    realtime.publish('room:' + roomId, 'typing', {}).catch(() => undefined)
  }

  const send = (s: ComposerSend) => {
    setError('')
    outbox.add(s.body, { reply_to: s.reply_to, reply_excerpt: s.reply_excerpt, attachment_ids: s.attachment_ids })
    setReplyTo(null)
    atBottom.current = true
    lastTyping.current = 0
  }

  if (status === 'loading') return <Loading />
  if (status === 'missing' || !room) return <RoomNotFound error={status === 'error'} />

  const moderator = room.me.can_moderate
  const mutedUntil = room.me.muted_until && Date.parse(room.me.muted_until) > Date.now() ? room.me.muted_until : ''
  const mode = composerMode(room, revoked, Date.now())
  const writable = mode === 'write'
  const waitHead = outbox.items.find((x) => x.state === 'pending' && (x.code === 'slow_mode' || x.code === 'rate_limited'))?.not_before ?? 0
  const slowUntil = Math.max(waitHead, room.slow_mode_s > 0 && !moderator && lastSentAt ? lastSentAt + room.slow_mode_s * 1000 : 0)
  const names = new Map<string, string>()
  for (const m of conv.messages) names.set(m.author.id, m.author.name)
  for (const u of presence?.users ?? []) names.set(u.id, u.name)

  return (
    <Page title={room.name}>
      <div className="room-page row g-4">
        <div className="col-12 col-lg-8">
          {room.description ? <p className="lead">{room.description}</p> : null}
          <p className="small">
            <Link to="/stanze">{tr.backToRooms}</Link>
          </p>
          {revoked ? (
            <div className="alert alert-danger" role="alert" data-testid="room-revoked">
              {tr.accessRevoked}
            </div>
          ) : null}
          {room.archived ? <div className="alert alert-info">{tr.archivedNotice}</div> : null}
          {mutedUntil ? <div className="alert alert-warning">{tr.youAreMuted(dateTime(mutedUntil))}</div> : null}
          <ErrorAlert text={error} />
          {moderator ? <RoomManage room={room} onChange={view.setRoom} /> : null}
          <h2 className="visually-hidden">{tr.conversation}</h2>
          <div ref={logRef} className="room-log" tabIndex={0} role="region" aria-label={tr.logLabel(room.name)} onScroll={onScroll} data-testid="room-log">
            {conv.hasOlder ? (
              <div className="text-center my-2">
                <button type="button" className="btn btn-outline-primary btn-xs" onClick={() => void loadOlder()} disabled={view.loadingOlder}>
                  {view.loadingOlder ? tr.loadingOlder : tr.loadOlder}
                </button>
              </div>
            ) : conv.messages.length ? (
              <p className="small text-center text-muted-accessible my-2">{tr.beginning}</p>
            ) : null}
            {conv.messages.length === 0 && outbox.items.length === 0 ? <p className="my-3">{tr.empty}</p> : null}
            <ol className="list-unstyled mb-0 room-messages">
              {conv.messages.map((m) => (
                <li key={m.seq}>
                  <MessageItem roomId={roomId} message={m} userId={userId} moderator={moderator} writable={writable} actions={actions} />
                </li>
              ))}
            </ol>
            <OutboxList items={outbox.items} userName={user?.name ?? ''} onRetry={outbox.retry} onDiscard={outbox.discard} />
          </div>
          {newBelow > 0 ? (
            <button type="button" className="btn btn-primary btn-xs room-new-below mt-1" onClick={toBottom}>
              {tr.newBelow(newBelow)}
            </button>
          ) : null}
          <TypingLine typers={typers} names={names} />
          {region}
          {mode !== 'read' ? (
            <>
              {writable && !room.me.member ? <JoinButton room={room} onJoined={view.setRoom} /> : null}
              <RoomComposer
                room={room}
                replyTo={replyTo}
                onCancelReply={() => setReplyTo(null)}
                onSend={send}
                onTyping={onTyping}
                slowUntil={slowUntil}
                textareaRef={textareaRef}
                disabled={mode === 'revoked'}
              />
            </>
          ) : null}
        </div>
        <div className="col-12 col-lg-4">
          <PresencePanel presence={conn === 'connected' ? presence : null} connected={conn === 'connected'} userId={userId} />
        </div>
      </div>
      <RoomDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        onDelete={async (m) => put(await roomsApi.remove(roomId, m.seq))}
        onReport={async (m, reason, text) => {
          await roomsApi.report(roomId, m.seq, reason, text)
          say(tr.reported)
        }}
        onMute={async (m, minutes, reason) => {
          await roomsApi.mute(roomId, m.author.id, minutes, reason)
          say(tr.muted(m.author.name))
        }}
        onPromote={async (m, categoryId, title) => {
          // The message.updated event that follows shows the link to the thread.
          await roomsApi.promote(roomId, m.seq, categoryId, title)
          say(tr.promotedDone)
        }}
      />
    </Page>
  )
}

function excerpt(m: Message): string {
  const s = m.body.replace(/\s+/g, ' ').trim()
  return s.length > 120 ? s.slice(0, 120) + '…' : s
}

function dropTypers(ty: Record<string, number>, ids: string[]): Record<string, number> {
  if (!ids.some((id) => id in ty)) return ty
  const out = { ...ty }
  for (const id of ids) delete out[id]
  return out
}

/** "Anna sta scrivendo…": shown, not announced (it would talk over the messages). */
function TypingLine({ typers, names }: { typers: Record<string, number>; names: Map<string, string> }) {
  const { t } = useI18n()
  const active = Object.values(typers).some((until) => until > Date.now())
  const now = useNow(active)
  const list = typingNames(typers, names, now)
  return (
    <p className="small text-muted-accessible room-typing mb-1" data-testid="typing">
      {list === null ? '\u00a0' : list.length ? t.rooms.typing(list) : t.rooms.someoneTyping}
    </p>
  )
}

function JoinButton({ room, onJoined }: { room: Room; onJoined: (r: Room) => void }) {
  const { t } = useI18n()
  const [error, setError] = useState('')
  return (
    <div className="mb-2">
      <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => roomsApi.join(room.id).then(onJoined, (e: unknown) => setError(apiErrorMessage(e, t)))}>
        {t.rooms.join}
      </button>
      <ErrorAlert text={error} />
    </div>
  )
}

function RoomNotFound({ error }: { error: boolean }) {
  const { t } = useI18n()
  return (
    <Page title={t.rooms.notFoundTitle} narrow>
      <p>{error ? t.common.errors.generic : t.rooms.notFoundLead}</p>
      <Link to="/stanze" className="btn btn-primary">
        {t.rooms.backToRooms}
      </Link>
    </Page>
  )
}
