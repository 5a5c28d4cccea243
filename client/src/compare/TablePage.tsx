// /tavoli/:id: a saved table. The comparison kept live, with the cells
// changed since this viewer last looked, comments, presence by row, the
// viewer's own rows (saved with PUT prefs) and the owner's shared order,
// and the table's room beside it.
//
// "Seen" (POST /tables/:id/seen) is recorded:
// - on arrival when nothing is marked changed: it sets the baseline, so
//   that what others change while this viewer watches (or while away) is
//   marked;
// - by the "Segna come visto" button, and only by it once something is
//   marked: the marks stay, on the server, across reloads and devices until
//   the viewer says they have seen them (leaving the page does not clear
//   them: a reload must show the same marks).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { ErrorAlert, useAnnouncer } from '../forum/common'
import { realtime, type PresenceFrame } from '../realtime/socket'
import type { Summary } from '../experiences/model'
import { compareApi, exportHref, type Table } from './api'
import { AddColumnDialog } from './AddColumnDialog'
import { canAddColumn, withColumn } from './candidates'
import { EditTableDialog } from './EditTableDialog'
import type { TableText } from './tableText'
import { ComparisonView } from './ComparisonView'
import { RoomPanel } from './RoomPanel'
import { TablePresence } from './TablePresence'
import { FocusSender, changedCount, newcomers, pruneFocus, setFocus, viewersByRow, type FocusMap } from './rows'
import { useAnnounceChanges } from './announce'
import { useLiveComparison } from './useLiveComparison'
import { useRowView } from './useRowView'

export default function TableRoute() {
  const { id = '' } = useParams()
  return <TablePage key={id} id={id} />
}

function TablePage({ id }: { id: string }) {
  const { t } = useI18n()
  const tc = t.compare
  const { user } = useSession()
  const userId = user?.id ?? ''
  const [table, setTable] = useState<Table | null>(null)
  const [tableStatus, setTableStatus] = useState<'loading' | 'ready' | 'missing' | 'error'>('loading')
  const [presence, setPresence] = useState<PresenceFrame | null>(null)
  const [focus, setFocusMap] = useState<FocusMap>({})
  const [error, setError] = useState('')
  const [dialog, setDialog] = useState<'add' | 'edit' | null>(null)
  const [region, say] = useAnnouncer()
  const ownOrder = useRef(false)
  const present = useRef<string[]>([])
  /** The columns this viewer's own change will bring (its refetch is not announced again). */
  const ownColumns = useRef('')
  const announce = useAnnounceChanges(say)

  useEffect(() => {
    Promise.all([compareApi.table(id), compareApi.prefs(id).catch(() => ({ order: [], hidden: [] }))]).then(
      ([tb, prefs]) => {
        setTable(tb)
        ownOrder.current = prefs.order.length > 0
        setTableStatus('ready')
      },
      (e: unknown) => setTableStatus(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'missing' : 'error'),
    )
  }, [id])

  // The room is made just after the table (through the outbox): ask again until it is there.
  const roomMissing = tableStatus === 'ready' && !table?.room_id
  useEffect(() => {
    if (!roomMissing) return
    const h = window.setInterval(() => compareApi.table(id).then((tb) => tb.room_id && setTable(tb), () => undefined), 1000)
    return () => window.clearInterval(h)
  }, [roomMissing, id])

  const sender = useMemo(() => new FocusSender((row) => void realtime.publish('table:' + id, 'focus', { row }).catch(() => undefined)), [id])
  useEffect(() => () => sender.stop(), [sender])

  const resyncRef = useRef<() => void>(() => undefined)
  const live = useLiveComparison(
    {
      tableId: id,
      tableSeq: table?.seq,
      fetch: () => compareApi.comparison(id),
      onFresh: (old, fresh) => {
        const cols = fresh.columns.map((c) => c.id).join()
        if (old && cols === ownColumns.current && old.columns.map((c) => c.id).join() !== cols) {
          ownColumns.current = ''
          return // this viewer's own change, already said
        }
        announce(old, fresh)
      },
      onTable: (tb) => {
        // The event's table is everyone's (can_edit false, the columns all may read): this viewer's comes from GET.
        setTable((old) => ({ ...tb, can_edit: old?.can_edit ?? false }))
        compareApi.table(id).then(setTable, () => undefined)
        // The shared order changed: it holds for whoever has none of their own.
        if (!ownOrder.current) resyncRef.current()
      },
      onComment: (c) => {
        if (c.author.id !== userId) say(tc.newComment(c.author.name, labels.get(c.field) ?? c.field, data?.columns.find((x) => x.id === c.experience_id)?.titolo ?? ''))
      },
      onTransient: (ev) => {
        if (ev.event !== 'focus' || !ev.user_id || ev.user_id === userId) return
        const row = (ev.data as { row?: string | null } | null)?.row ?? null
        setFocusMap((f) => setFocus(f, ev.user_id, typeof row === 'string' ? row : null))
      },
      onPresence: (p) => {
        const ids = p?.users?.map((u) => u.id) ?? []
        // Someone new: they learn where this viewer is.
        if (newcomers(present.current, ids).some((u) => u !== userId)) sender.resend()
        present.current = ids
        setPresence(p)
        setFocusMap((f) => pruneFocus(f, ids))
      },
    },
    id,
  )
  const data = live.data
  const rv = useRowView(data)
  resyncRef.current = rv.resync

  // Names of comments' fields and columns for the announcements.
  const labels = useMemo(() => new Map((data?.rows ?? []).map((r) => [r.field, r.label])), [data])
  const changed = data ? changedCount(data) : 0

  // Seen on arrival when nothing is marked: the baseline.
  const arrived = useRef(false)
  useEffect(() => {
    if (!data || arrived.current) return
    arrived.current = true
    if (changedCount(data) === 0) compareApi.seen(id).catch(() => undefined)
  }, [data, id])
  const markSeen = () => {
    compareApi.seen(id).then(
      () => live.refetch().then(() => say(tc.markedSeen)),
      (e: unknown) => setError(apiErrorMessage(e, t)),
    )
  }

  // Preferences go one after the other, the last one winning.
  const saving = useRef<Promise<unknown>>(Promise.resolve())
  const savePrefs = useCallback(
    (order: string[], hidden: string[]) => {
      saving.current = saving.current.then(() => compareApi.savePrefs(id, { order, hidden }).catch((e: unknown) => setError(apiErrorMessage(e, t))))
    },
    [id, t],
  )

  const onRow = useCallback((field: string | null) => sender.want(field), [sender])
  const viewers = useMemo(() => viewersByRow(focus, presence?.users ?? [], userId), [focus, presence, userId])

  if (tableStatus === 'missing' || live.status === 'missing') return <TableNotFound error={false} />
  if (tableStatus === 'error' || live.status === 'error') return <TableNotFound error />
  if (!table || !data) return <Loading />

  const canShare = table.can_edit
  const label = (f: string) => labels.get(f) ?? f
  const full = !canAddColumn(table.experiences.length)

  // "Aggiungi esperienza": the table's records and the new one, on the version read; when
  // someone changed the table meanwhile (409), once more on the version now.
  const addColumn = async (r: Summary) => {
    const send = (tb: Table) => {
      const next = withColumn(tb.experiences, r.id)
      ownColumns.current = next.join()
      return compareApi.patch(id, { base_version: tb.version, experiences: next })
    }
    try {
      let tb: Table
      try {
        tb = await send(table)
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409)) throw e
        const fresh = await compareApi.table(id)
        setTable(fresh)
        if (!fresh.experiences.includes(r.id) && !canAddColumn(fresh.experiences.length)) throw new ApiError(409, e.code, tc.addFull)
        tb = await send(fresh)
      }
      setTable(tb)
      setDialog(null)
      say(tc.columnAdded(r.titolo))
      void live.refetch()
    } catch (e) {
      ownColumns.current = ''
      throw e
    }
  }

  // "Modifica nome e descrizione": on the version read; a 409 reads the table again and says so.
  const saveText = async (v: TableText) => {
    try {
      const tb = await compareApi.patch(id, { base_version: table.version, name: v.name, description: v.description })
      setTable(tb)
      setDialog(null)
      say(tc.tableSaved)
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        compareApi.table(id).then(setTable, () => undefined)
        throw new ApiError(409, e.code, tc.editConflict)
      }
      throw e
    }
  }

  return (
    <Page title={table.name}>
      {table.description ? <p className="lead compare-description">{table.description}</p> : null}
      <p className="small">
        {tc.owner}: {table.owner.name} ({table.owner.administration_name}) · <Link to="/tavoli">{tc.backToTables}</Link>
      </p>
      {canShare ? (
        <div className="d-flex flex-wrap align-items-center gap-2 mb-3 compare-edit-actions" role="group" aria-label={tc.tableActions}>
          <button
            type="button"
            className="btn btn-outline-primary btn-sm"
            aria-disabled={full || undefined}
            aria-describedby={full ? 'compare-add-full' : undefined}
            onClick={() => !full && setDialog('add')}
            data-testid="add-column"
          >
            {tc.addColumn}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setDialog('edit')} data-testid="edit-table">
            {tc.editTable}
          </button>
          {full ? (
            <p id="compare-add-full" className="small mb-0 w-100" data-testid="add-column-full">
              {tc.addFull}
            </p>
          ) : null}
        </div>
      ) : null}
      {canShare ? (
        <>
          <AddColumnDialog open={dialog === 'add'} onClose={() => setDialog(null)} inTable={table.experiences} onAdd={addColumn} />
          <EditTableDialog open={dialog === 'edit'} onClose={() => setDialog(null)} initial={{ name: table.name, description: table.description }} onSave={saveText} />
        </>
      ) : null}
      {region}
      <ErrorAlert text={error} />
      {changed > 0 ? (
        <div className="alert alert-info d-flex flex-wrap align-items-center gap-3" data-testid="changed-banner">
          <span>{tc.changedSummary(changed)}</span>
          <button type="button" className="btn btn-primary btn-sm" onClick={markSeen}>
            {tc.markSeen}
          </button>
        </div>
      ) : null}
      <div className="row g-4">
        <div className="col-12 col-xl-8">
          <ComparisonView
            comparison={data}
            caption={tc.captionOf(table.name)}
            counts={live.counts}
            rows={rv}
            exportHref={(f) => exportHref({ table: id }, f)}
            viewers={viewers}
            onCommentAdded={live.refetchCounts}
            onRow={onRow}
            onRemoveColumn={
              canShare
                ? (c) => {
                    const rest = data.columns.filter((x) => x.id !== c.id).map((x) => x.id)
                    ownColumns.current = rest.join()
                    compareApi.patch(id, { base_version: table.version, experiences: rest }).then(
                      (tb) => {
                        setTable(tb)
                        say(tc.columnRemoved(c.titolo))
                        document.querySelector<HTMLElement>('[data-testid="compare-scroll"]')?.focus()
                        void live.refetch()
                      },
                      (e: unknown) => {
                        ownColumns.current = ''
                        setError(apiErrorMessage(e, t))
                      },
                    )
                  }
                : undefined
            }
            panel={{
              saved: true,
              onMove: (field, dir) => {
                const r = rv.move(field, dir)
                if (!r) return
                ownOrder.current = true
                savePrefs(r.order, r.hidden)
                const group = data.rows.find((x) => x.field === field)?.group
                const inGroup = r.order.filter((f) => data.rows.find((x) => x.field === f)?.group === group)
                say(tc.moved(label(field), inGroup.indexOf(field) + 1, inGroup.length))
              },
              onToggle: (field) => {
                const r = rv.toggleRow(field)
                if (!r) return
                savePrefs(ownOrder.current ? r.order : [], r.hidden)
                say(r.nowHidden ? tc.hiddenDone(label(field)) : tc.shownDone(label(field)))
              },
              onReset: () => {
                ownOrder.current = false
                savePrefs([], [...rv.hidden])
                void saving.current.then(() => live.refetch()).then(() => {
                  rv.resync()
                  say(tc.prefsSaved)
                })
              },
              onSaveShared: canShare
                ? () => {
                    compareApi.patch(id, { base_version: table.version, row_order: rv.order }).then(
                      (tb) => {
                        setTable(tb)
                        say(tc.sharedSaved)
                      },
                      (e: unknown) => {
                        setError(apiErrorMessage(e, t))
                        compareApi.table(id).then(setTable, () => undefined)
                      },
                    )
                  }
                : undefined,
            }}
          />
        </div>
        <div className="col-12 col-xl-4">
          <TablePresence presence={presence} focus={focus} labels={labels} userId={userId} />
          {table.room_id ? <RoomPanel roomId={table.room_id} /> : null}
        </div>
      </div>
    </Page>
  )
}

function TableNotFound({ error }: { error: boolean }) {
  const { t } = useI18n()
  return (
    <Page title={t.compare.notFoundTitle} narrow>
      <p>{error ? t.common.errors.generic : t.compare.notFoundLead}</p>
      <Link to="/tavoli" className="btn btn-primary">
        {t.compare.backToTables}
      </Link>
    </Page>
  )
}
