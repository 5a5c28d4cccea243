import { useConnectionState } from '../realtime/hooks'
import { useT } from '../i18n'
import { Icon } from './Icon'

const ICON = { connected: 'it-check-circle', reconnecting: 'it-refresh', offline: 'it-error' } as const

/** "connesso" / "riconnessione…" / "offline", announced politely. */
export function ConnectionIndicator() {
  const t = useT()
  const state = useConnectionState()
  return (
    <div className={`connection-indicator connection-${state}`} role="status" aria-live="polite" aria-atomic="true">
      <Icon name={ICON[state]} size="sm" />
      <span className="visually-hidden">{t.common.connection.label}: </span>
      <span className="connection-text">{t.common.connection[state]}</span>
    </div>
  )
}
