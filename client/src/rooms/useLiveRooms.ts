// The rooms the user may enter with their unread counts, kept live: the
// server's numbers on load and after each reconnect; between loads,
// room:<id> events counted by unread.ts and room.read from the user's other
// tabs and devices. The room list and the navigation's badge use it.
import { useCallback, useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { realtime } from '../realtime/socket'
import { roomsApi, type Room } from './api'
import { applyListEvent, applyRead, type ReadEvent } from './unread'

/** Live topics for the list; the socket takes at most 200 per connection, and other pages need some. */
export const MAX_LIVE_ROOMS = 180

/** null until loaded; enabled false: nothing loaded nor followed (no active user). */
export function useLiveRooms(enabled = true): { rooms: Room[] | null; error: string } {
  const { t } = useI18n()
  const { user } = useSession()
  const userId = enabled ? (user?.id ?? '') : ''
  const [rooms, setRooms] = useState<Room[] | null>(null)
  const [error, setError] = useState('')
  const roomsRef = useRef(rooms)
  const refreshTimer = useRef<number | undefined>(undefined)

  const load = useCallback(() => {
    if (!userId) return
    roomsApi.list().then(
      (r) => {
        roomsRef.current = r.rooms
        setRooms(r.rooms)
        setError('')
      },
      (e: unknown) => setError(apiErrorMessage(e, t)),
    )
  }, [t, userId])
  useEffect(() => {
    load()
    return () => window.clearTimeout(refreshTimer.current)
  }, [load])

  const set = (f: (rs: Room[]) => Room[]) => {
    if (!roomsRef.current) return
    roomsRef.current = f(roomsRef.current)
    setRooms(roomsRef.current)
  }

  const ids = (userId ? (rooms ?? []) : [])
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
        onError: () => load(), // access taken away: the room leaves the list (and its count the total)
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

  return { rooms: userId ? rooms : null, error }
}
