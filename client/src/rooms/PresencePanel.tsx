// Who is in the room now (presence frames on room:<id>), or how many when
// the room shows counts only.
import { useI18n } from '../i18n'
import type { PresenceFrame } from '../realtime/socket'

export function PresencePanel({ presence, connected, userId }: { presence: PresenceFrame | null; connected: boolean; userId: string }) {
  const { t } = useI18n()
  const tr = t.rooms
  return (
    <aside className="room-presence card-wrapper" aria-labelledby="room-presence-title">
      <div className="card card-bg p-3">
        <h2 id="room-presence-title" className="h5">
          {tr.presence}
        </h2>
        {presence === null ? (
          <p className="small mb-0">{connected ? t.common.loading : tr.presenceUnknown}</p>
        ) : (
          <>
            <p className="small mb-2" data-testid="presence-count">
              {presence.count === 0 ? tr.presenceNone : tr.presenceCount(presence.count)}
            </p>
            {presence.users ? (
              <ul className="list-unstyled mb-0 room-presence-list">
                {presence.users.map((u) => (
                  <li key={u.id}>
                    <span className="room-presence-dot" aria-hidden="true" /> {u.name} {u.id === userId ? <span className="text-muted-accessible">{tr.you}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
      </div>
    </aside>
  )
}
