// /stanze: the rooms the user may enter, each with its unread count kept
// live (room:<id> events counted by unread.ts; room.read from the user's
// other tabs and devices; the server's numbers again after a reconnect).
import { useCallback, useEffect, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { ErrorAlert } from '../forum/common'
import { realtime } from '../realtime/socket'
import { roomsApi, type Room } from './api'
import { applyListEvent, applyRead, type ReadEvent } from './unread'

/** Live topics for the list; the socket takes at most 200 per connection, and other pages need some. */
export const MAX_LIVE_ROOMS = 180

export default function RoomList() {
  const { t } = useI18n()
  const tr = t.rooms
  const { user } = useSession()
  const userId = user?.id ?? ''
  const [rooms, setRooms] = useState<Room[] | null>(null)
  const [error, setError] = useState('')
  const roomsRef = useRef(rooms)
  const refreshTimer = useRef<number | undefined>(undefined)

  const load = useCallback(() => {
    roomsApi.list().then(
      (r) => {
        roomsRef.current = r.rooms
        setRooms(r.rooms)
        setError('')
      },
      (e: unknown) => setError(apiErrorMessage(e, t)),
    )
  }, [t])
  useEffect(() => {
    load()
    return () => window.clearTimeout(refreshTimer.current)
  }, [load])

  const set = (f: (rs: Room[]) => Room[]) => {
    if (!roomsRef.current) return
    roomsRef.current = f(roomsRef.current)
    setRooms(roomsRef.current)
  }

  const ids = (rooms ?? [])
    .slice(0, MAX_LIVE_ROOMS)
    .map((r) => r.id)
    .join(',')
  useEffect(() => {
    if (!ids) return
    const offs = ids.split(',').map((id) =>
      realtime.subscribe('room:' + id, null, {
        onEvent: (ev) => {
          let refresh = false
          set((rs) => {
            const out = applyListEvent(rs, id, ev.event, ev.data, userId)
            refresh = out.refresh
            return out.rooms
          })
          if (refresh) {
            window.clearTimeout(refreshTimer.current)
            refreshTimer.current = window.setTimeout(load, 500)
          }
        },
        onReset: () => load(),
      }, { quiet: true }), // for the badges: the list does not make the user present in every room
    )
    return () => offs.forEach((off) => off())
  }, [ids, userId, load])

  // Reads in other tabs and devices; and the server's truth after each reconnect.
  useEffect(() => {
    if (!userId) return
    const off = realtime.subscribe('user:' + userId, null, {
      onEvent: (ev) => {
        if (ev.event === 'room.read') set((rs) => applyRead(rs, ev.data as ReadEvent))
      },
    })
    let was = realtime.getState()
    const offState = realtime.subscribeState(() => {
      const s = realtime.getState()
      if (s === 'connected' && was !== 'connected') load()
      was = s
    })
    return () => {
      off()
      offState()
    }
  }, [userId, load])

  const canCreate = user?.role === 'moderator' || user?.role === 'admin'
  return (
    <Page title={tr.title} lead={tr.lead}>
      {canCreate ? (
        <p>
          <Link to="/stanze/nuova" className="btn btn-primary btn-sm">
            {tr.newRoom}
          </Link>
        </p>
      ) : null}
      <ErrorAlert text={error} />
      {rooms === null && !error ? <Loading /> : null}
      {rooms && rooms.length === 0 ? <p>{tr.none}</p> : null}
      {rooms && rooms.length > 0 ? (
        <ul className="list-unstyled room-list" data-testid="room-list">
          {rooms.map((r) => (
            <li key={r.id} className="room-list-item py-3" data-testid="room-item">
              <div className="d-flex flex-wrap align-items-baseline gap-2">
                <h2 className="h5 mb-0">
                  <Link to={`/stanze/${encodeURIComponent(r.id)}`}>
                    {r.name}
                    {r.me.unread > 0 ? <span className="visually-hidden">, {tr.unread(r.me.unread)}</span> : null}
                  </Link>
                </h2>
                {r.me.unread > 0 ? (
                  <span className="badge bg-primary room-unread" aria-hidden="true" data-testid="room-unread">
                    {r.me.unread > 999 ? '999+' : r.me.unread}
                  </span>
                ) : null}
                <span className="badge bg-light text-dark border">{tr.kinds[r.kind]}</span>
                {r.access === 'invited' ? <span className="small">{tr.invitedOnly}</span> : null}
                {r.archived ? <span className="badge bg-secondary">{tr.archived}</span> : null}
              </div>
              {r.description ? <p className="mb-0 mt-1 small">{r.description}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Page>
  )
}
