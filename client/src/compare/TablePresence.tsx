// Who looks at the table now (presence on table:<id>) and on which row.
import { useI18n } from '../i18n'
import type { PresenceFrame } from '../realtime/socket'
import type { FocusMap } from './rows'

export function TablePresence({ presence, focus, labels, userId }: { presence: PresenceFrame | null; focus: FocusMap; labels: Map<string, string>; userId: string }) {
  const { t } = useI18n()
  const tc = t.compare
  const others = presence?.users?.filter((u) => u.id !== userId) ?? []
  return (
    <section className="card card-bg p-3 mb-3" aria-labelledby="table-presence-title" data-testid="table-presence" data-anchor="presence">
      <h2 id="table-presence-title" className="h5">
        {tc.presence}
      </h2>
      {presence === null ? (
        <p className="small mb-0">{tc.presenceUnknown}</p>
      ) : others.length === 0 ? (
        <p className="small mb-0">{tc.presenceNone}</p>
      ) : (
        <ul className="list-unstyled mb-0">
          {others.map((u) => {
            const row = focus[u.id]
            return (
              <li key={u.id} data-testid="present-person">
                <span className="room-presence-dot" aria-hidden="true" /> {u.name}
                {row ? <span className="small"> — {tc.onRow(labels.get(row) ?? row)}</span> : null}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
