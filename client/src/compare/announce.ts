// What a live refetch changed, said in the page's polite live region.
import { useCallback } from 'react'
import { useI18n } from '../i18n'
import type { Comparison } from './api'
import { columnChanges, liveChanges } from './rows'

export function useAnnounceChanges(say: (m: string) => void) {
  const { t } = useI18n()
  const tc = t.compare
  return useCallback(
    (old: Comparison | null, fresh: Comparison) => {
      if (!old) return
      const cols = columnChanges(old, fresh)
      if (cols.added.length || cols.removed.length) {
        say(tc.columnsChanged)
        return
      }
      const ch = liveChanges(old, fresh)
      if (ch.length === 1) say(tc.liveOne(ch[0].label, ch[0].titolo, ch[0].after || tc.emptyText))
      else if (ch.length > 1) say(tc.live(ch.length))
    },
    [say, tc],
  )
}
