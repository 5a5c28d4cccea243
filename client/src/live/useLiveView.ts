// A page kept live: load it, subscribe to its topic since the page's seq,
// apply each event, and on a reset (reconnect past the replay window) reload
// and re-apply the recent events the reload may have started before.
// ThreadPage uses it; rooms and the comparison table can too.
import { startTransition, useCallback, useEffect, useLayoutEffect, useRef, useState, type Dispatch, type MutableRefObject, type SetStateAction } from 'react'
import { useTopic } from '../realtime/hooks'
import type { RealtimeEvent } from '../realtime/socket'
import { captureFocusedField, restoreFocusedField, type FieldAnchor } from './anchor'

/** How many recent events are kept to re-apply over a reload. */
export const RECENT_EVENTS = 50

/** recent with ev appended, keeping the newest max. */
export function remember(recent: RealtimeEvent[], ev: RealtimeEvent, max = RECENT_EVENTS): RealtimeEvent[] {
  return [...recent.slice(-(max - 1)), ev]
}

/** d with the recent events newer than its seq applied, in order. */
export function replayOver<T extends { seq: number }>(d: T, recent: RealtimeEvent[], apply: (d: T, ev: RealtimeEvent) => T): T {
  for (const ev of recent) if (ev.seq > d.seq) d = apply(d, ev)
  return d
}

export interface LiveViewOptions<T, O> {
  /** The topic, e.g. "thread:<id>". */
  topic: string
  /** Loads the page; its seq is the head of the topic when it was read. */
  fetch: () => Promise<T>
  /** Applies one event (pure), saying what changed. */
  apply: (d: T, ev: RealtimeEvent) => [T, O]
  onLoad?: (d: T) => void
  onError: (e: unknown) => void
  /** Told what each live event changed (to announce it, mark it new…). */
  onOutcome?: (o: O) => void
}

export interface LiveView<T> {
  data: T | null
  /** The latest data, also between a change and its render. */
  dataRef: MutableRefObject<T | null>
  /** Replaces the data at once (a local change: a reply sent, an edit). */
  commit: (d: T) => void
  setData: Dispatch<SetStateAction<T | null>>
  /** Loads again; resolves to the new seq, or undefined on an error. */
  reload: () => Promise<number | undefined>
}

/**
 * Keeps a page live. The options are read when used (the latest render's);
 * the page is loaded again when reloadKey changes.
 */
export function useLiveView<T extends { seq: number }, O>(opts: LiveViewOptions<T, O>, reloadKey: string): LiveView<T> {
  const [data, setData] = useState<T | null>(null)
  const dataRef = useRef(data)
  dataRef.current = data
  const optsRef = useRef(opts)
  optsRef.current = opts
  const recent = useRef<RealtimeEvent[]>([])

  const reload = useCallback(async () => {
    const o = optsRef.current
    try {
      const d = replayOver(await o.fetch(), recent.current, (d, ev) => o.apply(d, ev)[0])
      // A page's render runs in slices (a transition) so that it does not
      // block input on a slow phone.
      startTransition(() => {
        setData(d)
        o.onLoad?.(d)
      })
      return d.seq
    } catch (e) {
      o.onError(e)
      return undefined
    }
  }, [])

  useEffect(() => {
    void reload()
  }, [reload, reloadKey])

  const commit = useCallback((d: T) => {
    dataRef.current = d
    setData(d)
  }, [])

  // The field being typed in keeps its place on screen across a live
  // change: noted before the change renders, put back after.
  const typing = useRef<FieldAnchor | null>(null)
  useLayoutEffect(() => {
    restoreFocusedField(typing.current)
    typing.current = null
  }, [data])

  const onEvent = (ev: RealtimeEvent) => {
    recent.current = remember(recent.current, ev)
    const d = dataRef.current
    if (!d) return
    typing.current ??= captureFocusedField()
    const [nd, out] = optsRef.current.apply(d, ev)
    commit(nd)
    optsRef.current.onOutcome?.(out)
  }
  useTopic(opts.topic, data ? data.seq : null, onEvent, async () => (await reload()) ?? undefined)

  return { data, dataRef, commit, setData, reload }
}
