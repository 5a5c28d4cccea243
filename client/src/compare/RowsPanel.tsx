// Show, hide and reorder rows with the keyboard: a disclosure listing every
// row by group, each with a "shown" checkbox and move up / move down buttons
// (never drag only). The table's owner may also save the order for everyone.
import { useState } from 'react'
import { useI18n } from '../i18n'
import type { Comparison } from './api'
import { allGroups, canMove } from './rows'

export interface RowsPanelProps {
  comparison: Comparison
  order: string[]
  hidden: ReadonlySet<string>
  /** A saved table: the preferences are stored (else they last for the page). */
  saved: boolean
  onMove: (field: string, dir: 'up' | 'down') => void
  onToggle: (field: string) => void
  onReset?: () => void
  /** Present for the owner, moderators and admins. */
  onSaveShared?: () => void
}

export function RowsPanel({ comparison, order, hidden, saved, onMove, onToggle, onReset, onSaveShared }: RowsPanelProps) {
  const { t } = useI18n()
  const tc = t.compare
  const [open, setOpen] = useState(false)
  const groups = allGroups(comparison, order)
  return (
    <div className="compare-rows-panel mb-3">
      <button type="button" className="btn btn-outline-primary btn-sm" aria-expanded={open} aria-controls="compare-rows-list" onClick={() => setOpen((o) => !o)}>
        {tc.rowsPanel}
        {hidden.size ? <span className="ms-1">({tc.hiddenCount(hidden.size)})</span> : null}
      </button>
      <div id="compare-rows-list" hidden={!open} className="card card-bg p-3 mt-2">
        <p className="small mb-2">{saved ? tc.rowsPanelHelp : tc.rowsPanelAdHoc}</p>
        {groups.map((g) => (
          <fieldset key={g.key} className="mb-2">
            <legend className="h6 mb-1">{g.label}</legend>
            <ul className="list-unstyled mb-0">
              {g.rows.map((r) => {
                const can = canMove(comparison, order, r.field)
                const id = 'row-visible-' + r.field
                return (
                  <li key={r.field} className="d-flex flex-wrap align-items-center gap-2 compare-rows-item" data-testid={'rows-item-' + r.field}>
                    <div className="form-check mb-0 me-auto">
                      <input className="form-check-input" type="checkbox" id={id} checked={!hidden.has(r.field)} onChange={() => onToggle(r.field)} aria-label={tc.visible(r.label)} />
                      <label className="form-check-label" htmlFor={id}>
                        {r.label}
                      </label>
                    </div>
                    <button type="button" className="btn btn-outline-primary btn-xs" aria-label={tc.moveUp(r.label)} aria-disabled={!can.up || undefined} onClick={() => can.up && onMove(r.field, 'up')}>
                      <span aria-hidden="true">↑</span>
                    </button>
                    <button type="button" className="btn btn-outline-primary btn-xs" aria-label={tc.moveDown(r.label)} aria-disabled={!can.down || undefined} onClick={() => can.down && onMove(r.field, 'down')}>
                      <span aria-hidden="true">↓</span>
                    </button>
                  </li>
                )
              })}
            </ul>
          </fieldset>
        ))}
        {onReset || onSaveShared ? (
          <div className="d-flex flex-wrap gap-2 mt-2">
            {onReset ? (
              <button type="button" className="btn btn-outline-primary btn-sm" onClick={onReset}>
                {tc.resetOrder}
              </button>
            ) : null}
            {onSaveShared ? (
              <button type="button" className="btn btn-primary btn-sm" onClick={onSaveShared}>
                {tc.saveShared}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  )
}
