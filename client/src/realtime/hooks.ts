import { useEffect, useRef, useSyncExternalStore } from 'react'
import { realtime, type ConnectionState, type RealtimeEvent, type TransientEvent } from './socket'

/** "connected" | "reconnecting" | "offline", re-rendering on change. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(realtime.subscribeState, realtime.getState, realtime.getState)
}

/**
 * Follow a topic from `initialSeq` (the `seq` of the HTTP view on screen).
 * Pass `initialSeq = null` while the view is loading: nothing is subscribed
 * until it is a number (or `'live'` for live-only topics). Callbacks may
 * change between renders without resubscribing.
 *
 * `onReset(head)` must refetch the view and return (or resolve to) its new
 * `seq`; events the refetch already contains are then skipped.
 */
export function useTopic<D = unknown>(
  topic: string | null,
  initialSeq: number | 'live' | null,
  onEvent: (ev: RealtimeEvent<D>) => void,
  onReset?: (head: number) => Promise<number | void> | number | void,
  onTransient?: (ev: TransientEvent) => void,
): void {
  const cb = useRef({ onEvent, onReset, onTransient })
  cb.current = { onEvent, onReset, onTransient }
  const ready = topic !== null && initialSeq !== null
  const seqRef = useRef(initialSeq)
  seqRef.current = initialSeq
  useEffect(() => {
    if (!ready || topic === null) return
    const since = seqRef.current === 'live' ? null : seqRef.current
    return realtime.subscribe(topic, since, {
      onEvent: (ev) => cb.current.onEvent(ev as RealtimeEvent<D>),
      onReset: (head) => (cb.current.onReset ? cb.current.onReset(head) : undefined),
      onTransient: (ev) => cb.current.onTransient?.(ev),
    })
  }, [topic, ready])
}
