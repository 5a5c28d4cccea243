// The viewer's rows: order and hidden ones, starting from what the
// comparison arrived with, and "only rows that differ" / "show hidden".
import { useCallback, useState } from 'react'
import type { Comparison } from './api'
import { initialView, moveRow, toggle } from './rows'

export interface RowView {
  order: string[]
  hidden: ReadonlySet<string>
  onlyDiffer: boolean
  showHidden: boolean
  setOnlyDiffer: (on: boolean) => void
  setShowHidden: (on: boolean) => void
  /** Moves a row; returns the new order and hidden rows (to be saved). */
  move: (field: string, dir: 'up' | 'down') => { order: string[]; hidden: string[] } | null
  toggleRow: (field: string) => { order: string[]; hidden: string[]; nowHidden: boolean } | null
  /** Forgets the local choices: the next comparison's order and hidden rows hold. */
  resync: () => void
}

export function useRowView(data: Comparison | null): RowView {
  const [own, setOwn] = useState<{ order: string[]; hidden: ReadonlySet<string> } | null>(null)
  const [onlyDiffer, setOnlyDiffer] = useState(false)
  const [showHidden, setShowHidden] = useState(false)
  const cur = own ?? (data ? initialView(data) : { order: [], hidden: new Set<string>() })

  const move = useCallback(
    (field: string, dir: 'up' | 'down') => {
      if (!data) return null
      const order = moveRow(data, cur.order, field, dir)
      setOwn({ order, hidden: cur.hidden })
      return { order, hidden: [...cur.hidden] }
    },
    [data, cur.order, cur.hidden],
  )
  const toggleRow = useCallback(
    (field: string) => {
      if (!data) return null
      const hidden = toggle(cur.hidden, field)
      const order = moveRow(data, cur.order, '', 'up') // the whole order, unchanged
      setOwn({ order, hidden })
      return { order, hidden: [...hidden], nowHidden: hidden.has(field) }
    },
    [data, cur.order, cur.hidden],
  )
  const resync = useCallback(() => setOwn(null), [])
  return { order: cur.order, hidden: cur.hidden, onlyDiffer, showHidden, setOnlyDiffer, setShowHidden, move, toggleRow, resync }
}
