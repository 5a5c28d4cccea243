// What both comparison pages show around the table: "only rows that
// differ", hidden rows on request, the rows panel, the export links, and
// the comments' dialog of the cell whose marker was pressed.
import { useState } from 'react'
import { useI18n } from '../i18n'
import { CommentsDialog } from './CommentsDialog'
import type { Column, CommentCounts, Comparison, ExportFormat } from './api'
import { CompareTable, type CellRef } from './CompareTable'
import { RowsPanel, type RowsPanelProps } from './RowsPanel'
import { visibleGroups } from './rows'
import type { RowView } from './useRowView'

export interface ComparisonViewProps {
  comparison: Comparison
  caption: string
  counts: CommentCounts
  rows: RowView
  panel: Omit<RowsPanelProps, 'comparison' | 'order' | 'hidden'>
  exportHref: (f: ExportFormat) => string
  viewers: Map<string, string[]>
  /** A comment was added from the dialog (to count it). */
  onCommentAdded: () => void
  onRow: (field: string | null) => void
  onRemoveColumn?: (c: Column) => void
}

export function ComparisonView(p: ComparisonViewProps) {
  const { t } = useI18n()
  const tc = t.compare
  const rv = p.rows
  const [openCell, setOpenCell] = useState<CellRef | null>(null)
  const groups = visibleGroups(p.comparison, rv)
  return (
    <div className="compare-view">
      <div className="compare-toolbar d-flex flex-wrap align-items-center gap-3 mb-2">
        <div className="form-check mb-0">
          <input className="form-check-input" type="checkbox" id="compare-only-differ" checked={rv.onlyDiffer} onChange={(e) => rv.setOnlyDiffer(e.target.checked)} />
          <label className="form-check-label" htmlFor="compare-only-differ">
            {tc.onlyDiffer}
          </label>
        </div>
        {rv.hidden.size ? (
          <div className="form-check mb-0">
            <input className="form-check-input" type="checkbox" id="compare-show-hidden" checked={rv.showHidden} onChange={(e) => rv.setShowHidden(e.target.checked)} />
            <label className="form-check-label" htmlFor="compare-show-hidden">
              {tc.showHidden} ({tc.hiddenCount(rv.hidden.size)})
            </label>
          </div>
        ) : null}
        <div className="d-flex flex-wrap gap-2 ms-md-auto" role="group" aria-label={tc.exportTitle}>
          <a className="btn btn-outline-primary btn-sm" href={p.exportHref('csv')} download data-testid="export-csv">
            {tc.exportCsv}
          </a>
          <a className="btn btn-outline-primary btn-sm" href={p.exportHref('xlsx')} download data-testid="export-xlsx">
            {tc.exportXlsx}
          </a>
        </div>
      </div>
      <RowsPanel comparison={p.comparison} order={rv.order} hidden={rv.hidden} {...p.panel} />
      {groups.length ? (
        <CompareTable caption={p.caption} columns={p.comparison.columns} groups={groups} counts={p.counts} viewers={p.viewers} onComments={setOpenCell} onRow={p.onRow} onRemoveColumn={p.onRemoveColumn} />
      ) : (
        <p data-testid="no-rows">{tc.noRows}</p>
      )}
      <CommentsDialog
        cell={openCell && { experienceId: openCell.column.id, field: openCell.row.field, title: tc.commentsTitle(openCell.row.label, openCell.column.titolo) }}
        reloadKey={openCell ? `${p.comparison.columns.find((c) => c.id === openCell.column.id)?.version ?? 0}:${p.counts[openCell.column.id]?.[openCell.row.field] ?? 0}` : ''}
        onClose={() => setOpenCell(null)}
        onAdded={p.onCommentAdded}
      />
    </div>
  )
}
