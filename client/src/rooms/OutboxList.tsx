// The outbox on screen, below the conversation: each message written here
// and not yet stored, pending (waiting, sending) or failed with the server's
// reason and Retry / Discard.
import { useI18n } from '../i18n'
import { useConnectionState } from '../realtime/hooks'
import type { OutboxItem } from './outbox'
import { useNow } from './useNow'

export function OutboxList({ items, userName, onRetry, onDiscard }: { items: OutboxItem[]; userName: string; onRetry: (id: string) => void; onDiscard: (id: string) => void }) {
  const { t } = useI18n()
  const tr = t.rooms
  const conn = useConnectionState()
  const now = useNow(items.some((x) => (x.not_before ?? 0) > Date.now()))
  if (items.length === 0) return null
  const short = (s: string) => (s.length > 40 ? s.slice(0, 40) + '…' : s)
  return (
    <ol className="room-outbox list-unstyled mb-0" aria-label={tr.outbox} data-testid="outbox">
      {items.map((x) => {
        const wait = x.not_before && x.not_before > now ? Math.ceil((x.not_before - now) / 1000) : 0
        const status =
          x.state === 'failed'
            ? tr.failed(failedReason(x, tr.sendErrors))
            : x.state === 'sending'
              ? tr.sending
              : conn === 'offline' || (typeof navigator !== 'undefined' && !navigator.onLine)
                ? tr.pendingOffline
                : wait > 0
                  ? tr.waiting(wait)
                  : tr.pending
        return (
          <li key={x.client_id} className={'room-message room-message-mine room-pending' + (x.state === 'failed' ? ' room-failed' : '')} data-testid="pending-message" data-state={x.state}>
            <div className="d-flex flex-wrap align-items-baseline gap-2">
              <strong>{userName}</strong>
              <span className={'small ' + (x.state === 'failed' ? 'room-failed-status' : 'text-muted-accessible')} data-testid="pending-status">
                {status}
              </span>
            </div>
            {x.reply_excerpt ? <p className="room-reply-excerpt small text-muted-accessible mb-1">↩ {x.reply_excerpt}</p> : null}
            <p className="room-pending-body mb-1">{x.body}</p>
            {x.state === 'failed' ? (
              <div className="d-flex gap-2">
                <button type="button" className="btn btn-outline-primary btn-xs" aria-label={tr.retryLabel(short(x.body))} onClick={() => onRetry(x.client_id)}>
                  {tr.retry}
                </button>
                <button type="button" className="btn btn-outline-primary btn-xs" aria-label={tr.discardLabel(short(x.body))} onClick={() => onDiscard(x.client_id)}>
                  {tr.discard}
                </button>
              </div>
            ) : null}
          </li>
        )
      })}
    </ol>
  )
}

function failedReason(x: OutboxItem, errs: Record<string, string>): string {
  if (x.reason) return x.reason
  return errs[x.code ?? ''] ?? errs.generic
}
