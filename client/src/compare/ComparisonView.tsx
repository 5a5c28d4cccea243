// What both comparison pages show around the table: "only rows that
// differ", hidden rows on request, the rows panel, the export links.
import { useI18n } from '../i18n'
import type { CommentCounts, Comparison, ExportFormat } from './api'
import { CompareTable, type CellRef } from './CompareTable'
import { RowsPanel, type RowsPanelProps } from './RowsPanel'
import { visibleGroups } from './rows'

export interface ComparisonViewProps {
  comparison: Comparison
  caption: string
  counts: CommentCounts
  order: string[]
  hidden: ReadonlySet<string>
  onlyDiffer: boolean
  showHidden: boolean
  onOnlyDiffer: (on: boolean) => void
  onShowHidden: (on: boolean) => void
  panel: Omit<RowsPanelProps, 'comparison' | 'order' | 'hidden'>
  exportHref: (f: ExportFormat) => string
  viewers: Map<string, string[]>
  onComments: (c: CellRef) => void
  onRow: (field: string | null) => void
}

export function ComparisonView(p: ComparisonViewProps) {
  const { t } = useI18n()
  const tc = t.compare
  const groups = visibleGroups(p.comparison, { order: p.order, hidden: p.hidden, onlyDiffer: p.onlyDiffer, showHidden: p.showHidden })
  return (
    <div className="compare-view">
      <div className="compare-toolbar d-flex flex-wrap align-items-center gap-3 mb-2">
        <div className="form-check mb-0">
          <input className="form-check-input" type="checkbox" id="compare-only-differ" checked={p.onlyDiffer} onChange={(e) => p.onOnlyDiffer(e.target.checked)} />
          <label className="form-check-label" htmlFor="compare-only-differ">
            {tc.onlyDiffer}
          </label>
        </div>
        {p.hidden.size ? (
          <div className="form-check mb-0">
            <input className="form-check-input" type="checkbox" id="compare-show-hidden" checked={p.showHidden} onChange={(e) => p.onShowHidden(e.target.checked)} />
            <label className="form-check-label" htmlFor="compare-show-hidden">
              {tc.showHidden} ({tc.hiddenCount(p.hidden.size)})
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
      <RowsPanel comparison={p.comparison} order={p.order} hidden={p.hidden} {...p.panel} />
      {groups.length ? (
        <CompareTable caption={p.caption} columns={p.comparison.columns} groups={groups} counts={p.counts} viewers={p.viewers} onComments={p.onComments} onRow={p.onRow} />
      ) : (
        <p data-testid="no-rows">{tc.noRows}</p>
      )}
    </div>
  )
}
