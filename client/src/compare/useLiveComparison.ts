// A comparison kept live: loaded over HTTP, then refetched whenever the
// table (table:<id>) or one of its records (experience:<id>) says it
// changed, one fetch at a time (a burst of events costs at most one more
// fetch). What the reader looks at stays where it is: the first row on
// screen keeps its place across the refetch. The table's topic also brings
// presence and the others' row focus; the records' topics bring comments.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { ApiError } from '../api/client'
import { realtime, type PresenceFrame, type TransientEvent } from '../realtime/socket'
import { compareApi, type CellComment, type CommentCounts, type Comparison, type Table } from './api'
import { singleFlight } from '../rooms/catchup'
import { mergeComparison } from './rows'
import { captureAnchor, restoreAnchor, type Anchor } from '../live/anchor'

export interface LiveComparisonOptions {
  /** A saved table (subscribes table:<id>), or null for an ad-hoc comparison. */
  tableId: string | null
  /** The head of table:<id> when the table was read (live events start after it). */
  tableSeq?: number
  fetch: () => Promise<Comparison>
  /** A fresh comparison is about to replace the old one (to announce what changed). */
  onFresh?: (old: Comparison | null, fresh: Comparison) => void
  onTable?: (t: Table) => void
  onComment?: (c: CellComment) => void
  onTransient?: (ev: TransientEvent) => void
  onPresence?: (p: PresenceFrame | null) => void
}

export interface LiveComparison {
  data: Comparison | null
  status: 'loading' | 'ready' | 'missing' | 'error'
  counts: CommentCounts
  refetch: () => Promise<number | undefined>
  refetchCounts: () => void
}

export function useLiveComparison(opts: LiveComparisonOptions, reloadKey: string): LiveComparison {
  const [data, setData] = useState<Comparison | null>(null)
  const [status, setStatus] = useState<LiveComparison['status']>('loading')
  const [counts, setCounts] = useState<CommentCounts>({})
  const dataRef = useRef<Comparison | null>(null)
  const optsRef = useRef(opts)
  optsRef.current = opts
  const anchor = useRef<Anchor | null>(null)
  const countsAsked = useRef(0)

  const refetchCounts = useCallback(() => {
    const ids = dataRef.current?.columns.map((c) => c.id) ?? []
    if (ids.length === 0) return
    const ask = ++countsAsked.current
    compareApi.counts(ids).then(
      (r) => ask === countsAsked.current && setCounts(r.counts ?? {}),
      () => undefined, // the markers keep their last numbers
    )
  }, [])

  // One fetch at a time; events during a fetch ask for one more after it.
  const refetch = useMemo(
    () =>
      singleFlight(async (): Promise<number | undefined> => {
        try {
          const fresh = await optsRef.current.fetch()
          const old = dataRef.current
          const merged = mergeComparison(old, fresh)
          optsRef.current.onFresh?.(old, merged)
          const columnsMoved = !old || old.columns.map((c) => c.id).join() !== merged.columns.map((c) => c.id).join()
          anchor.current = old ? captureAnchor() : null
          dataRef.current = merged
          setData(merged)
          setStatus('ready')
          if (columnsMoved) refetchCounts()
          return merged.seq
        } catch (e) {
          if (!dataRef.current) setStatus(e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 400) ? 'missing' : 'error')
          return undefined
        }
      }),
    [refetchCounts],
  )

  useLayoutEffect(() => {
    restoreAnchor(anchor.current)
    anchor.current = null
  }, [data])

  // (Re)load: a new table or new ids.
  useEffect(() => {
    dataRef.current = null
    setData(null)
    setStatus('loading')
    setCounts({})
    void refetch()
  }, [reloadKey, refetch])

  const ready = data !== null
  const tableId = opts.tableId
  // The table's topic: its updates, presence and the others' row focus.
  useEffect(() => {
    if (!ready || !tableId) return
    const since = dataRef.current?.seq ?? optsRef.current.tableSeq ?? null
    const off = realtime.subscribe('table:' + tableId, since, {
      onEvent: (ev) => {
        if (ev.event === 'table.updated') optsRef.current.onTable?.(ev.data as Table)
        void refetch()
      },
      onReset: async () => (await refetch()) ?? undefined,
      onTransient: (ev) => optsRef.current.onTransient?.(ev),
      onPresence: (p) => optsRef.current.onPresence?.(p),
    })
    return () => {
      off()
      optsRef.current.onPresence?.(null)
    }
  }, [ready, tableId, refetch])

  // Each column's record: its saves and its comments (live only: the fetch holds the rest).
  const columnIds = data?.columns.map((c) => c.id).join(',') ?? ''
  useEffect(() => {
    if (!columnIds) return
    const offs = columnIds.split(',').map((id) =>
      realtime.subscribe('experience:' + id, null, {
        onEvent: (ev) => {
          if (ev.event === 'comment.created') {
            optsRef.current.onComment?.(ev.data as CellComment)
            refetchCounts()
            return
          }
          // A moderated comment changes no cell nor count: its open dialog follows it.
          if (ev.event === 'comment.updated') return
          void refetch()
        },
        onReset: async () => {
          refetchCounts()
          return (await refetch()) ?? undefined
        },
      }),
    )
    return () => offs.forEach((off) => off())
  }, [columnIds, refetch, refetchCounts])

  // Back from a disconnection: what was missed comes by fetching again.
  useEffect(() => {
    let was = realtime.getState()
    return realtime.subscribeState(() => {
      const s = realtime.getState()
      if (s === 'connected' && was !== 'connected' && dataRef.current) {
        void refetch()
        refetchCounts()
      }
      if (s !== 'connected') optsRef.current.onPresence?.(null)
      was = s
    })
  }, [refetch, refetchCounts])

  return { data, status, counts, refetch, refetchCounts }
}
