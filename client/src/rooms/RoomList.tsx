// /stanze: the rooms the user may enter, each with its unread count kept
// live (room:<id> events counted by unread.ts; room.read from the user's
// other tabs and devices; the server's numbers again after a reconnect).
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { Loading, Page } from '../components/Page'
import { ErrorAlert } from '../forum/common'
import { useLiveRooms } from './useLiveRooms'

export default function RoomList() {
  const { t } = useI18n()
  const tr = t.rooms
  const { user } = useSession()
  const { rooms, error } = useLiveRooms()

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
