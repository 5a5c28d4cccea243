// The comparison as a real table: a column per experience (title and
// administration), a row per field grouped in a <tbody> per group, a
// compact scale on numeric rows, outlier marks, the cells changed since
// the viewer's last visit with their old value, and a comment marker per
// cell. Rows are memoised: a refetch re-renders only the rows it changed.
import { memo, useId } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { Icon } from '../components/Icon'
import type { Column, CommentCounts, ComparisonCell, ComparisonRow } from './api'
import { MIN_COLUMNS, type RowGroup } from './rows'

export interface CellRef {
  column: Column
  row: ComparisonRow
}

export interface CompareTableProps {
  caption: string
  columns: Column[]
  groups: RowGroup[]
  counts: CommentCounts
  /** The others' names on each row (presence). */
  viewers: Map<string, string[]>
  onComments: (c: CellRef) => void
  /** The reader's row (focus or pointer), null when they leave the table. */
  onRow: (field: string | null) => void
  /** Present for who may change a saved table's columns (while it has more than two). */
  onRemoveColumn?: (c: Column) => void
}

export function CompareTable({ caption, columns, groups, counts, viewers, onComments, onRow, onRemoveColumn }: CompareTableProps) {
  const { t } = useI18n()
  const tc = t.compare
  const captionId = useId()
  const afterId = useId()
  return (
    <>
      <a className="visually-hidden-focusable" href={'#' + afterId.replace(/:/g, '')}>
        {tc.skipTable}
      </a>
      <div className="table-responsive compare-scroll" role="region" aria-label={tc.scrollRegion} tabIndex={0} data-testid="compare-scroll">
        <table
          className="table compare-table mb-0"
          data-testid="compare-table"
          onMouseLeave={(e) => {
            if (!e.currentTarget.contains(document.activeElement)) onRow(null)
          }}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onRow(null)
          }}
        >
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="compare-corner">
                {tc.fieldHeader}
              </th>
              {columns.map((c) => (
                <th scope="col" key={c.id} className="compare-col" data-column={c.id}>
                  <Link to={'/esperienze/' + encodeURIComponent(c.id)} className="compare-col-title">
                    {c.titolo}
                  </Link>
                  <span className="d-block small fw-normal">{c.administration.name}</span>
                  <span className="d-block small fw-normal text-muted-accessible">{tc.version(c.version)}</span>
                  {onRemoveColumn && columns.length > MIN_COLUMNS ? (
                    <button type="button" className="btn btn-link btn-xs p-0 fw-normal" onClick={() => onRemoveColumn(c)} aria-label={tc.removeColumn(c.titolo)}>
                      {tc.remove}
                    </button>
                  ) : null}
                </th>
              ))}
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.key} data-group={g.key}>
              <tr className="compare-group">
                <th scope="rowgroup" colSpan={columns.length + 1}>
                  {g.label}
                </th>
              </tr>
              {g.rows.map((r) => (
                <Row key={r.field} row={r} columns={columns} counts={counts} viewers={viewers.get(r.field)} onComments={onComments} onRow={onRow} />
              ))}
            </tbody>
          ))}
        </table>
      </div>
      <span id={afterId.replace(/:/g, '')} tabIndex={-1} />
    </>
  )
}

const Row = memo(function Row({
  row,
  columns,
  counts,
  viewers,
  onComments,
  onRow,
}: {
  row: ComparisonRow
  columns: Column[]
  counts: CommentCounts
  viewers?: string[]
  onComments: (c: CellRef) => void
  onRow: (field: string | null) => void
}) {
  const { t } = useI18n()
  const tc = t.compare
  const here = () => onRow(row.field)
  return (
    <tr data-field={row.field} className={row.differ ? 'compare-differ' : undefined} onFocus={here} onMouseEnter={here}>
      <th scope="row" className="compare-rowhead" data-anchor={'row-' + row.field}>
        <span className="compare-label">{row.label}</span>
        {viewers?.length ? (
          <span className="compare-viewers d-block small" data-testid="row-viewers">
            <Icon name="it-user" size="xs" className="me-1" />
            <span className="visually-hidden">{tc.viewersOnRow(viewers.join(', '))}</span>
            <span aria-hidden="true">{viewers.join(', ')}</span>
          </span>
        ) : null}
      </th>
      {columns.map((c, i) => {
        const cell = row.cells[i]
        return cell ? <Cell key={c.id} cell={cell} row={row} column={c} count={counts[c.id]?.[row.field] ?? 0} onComments={onComments} /> : <td key={c.id} />
      })}
    </tr>
  )
})

function Cell({ cell, row, column, count, onComments }: { cell: ComparisonCell; row: ComparisonRow; column: Column; count: number; onComments: (c: CellRef) => void }) {
  const { t } = useI18n()
  const tc = t.compare
  const pct = cell.scale === undefined || cell.scale === null ? null : Math.round(Math.min(1, Math.max(0, cell.scale)) * 100)
  return (
    <td className={(cell.changed ? 'compare-changed ' : '') + (row.kind === 'markdown' ? 'compare-long' : '')} data-column={column.id} data-testid={`cell-${row.field}-${column.id}`}>
      <div className="compare-cell">
        <span className="compare-value" data-testid="cell-value">
          {cell.display ? (
            cell.display
          ) : (
            <>
              <span aria-hidden="true">{tc.empty}</span>
              <span className="visually-hidden">{tc.emptyText}</span>
            </>
          )}
        </span>
        {cell.outlier ? (
          <span className="compare-outlier" title={tc.outlierHelp} data-testid="outlier">
            <Icon name="it-warning-circle" size="xs" />
            <span className="compare-outlier-text">{tc.outlier}</span>
            <span className="visually-hidden">: {tc.outlierHelp}</span>
          </span>
        ) : null}
        {pct !== null ? (
          <span className="compare-scale d-block">
            <span className="compare-bar" aria-hidden="true">
              <span style={{ width: Math.max(pct, 2) + '%' }} />
            </span>
            <span className="visually-hidden">{tc.scale(pct)}</span>
          </span>
        ) : null}
        {cell.changed ? (
          <span className="compare-was d-block small" data-testid="cell-was">
            <span className="compare-changed-mark" aria-hidden="true">●</span> <span className="visually-hidden">{tc.changedHelp}, </span>
            {tc.before(cell.was ? cell.was : tc.emptyText)}
          </span>
        ) : null}
        <button
          type="button"
          className={'btn btn-link btn-xs p-0 compare-comments' + (count ? ' has-comments' : '')}
          aria-haspopup="dialog"
          aria-label={tc.commentsOn(count, row.label, column.titolo)}
          onClick={() => onComments({ column, row })}
          data-testid="comments-button"
        >
          <Icon name="it-comment" size="xs" />
          {count ? <span aria-hidden="true">{count}</span> : null}
        </button>
      </div>
    </td>
  )
}
