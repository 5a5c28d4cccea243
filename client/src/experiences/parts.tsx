import { useI18n } from '../i18n'
import type { DisplayWords } from './schema'

/** A record's state as a badge. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n()
  const label = t.experiences.status[status as keyof typeof t.experiences.status] ?? status
  return <span className={'badge exp-status ' + (status === 'draft' ? 'exp-status-draft' : 'exp-status-published')}>{label}</span>
}

/** The words displayValue needs, in the UI's language. */
export function useDisplayWords(): DisplayWords {
  const { t } = useI18n()
  const tx = t.experiences
  return { yes: tx.yes, no: tx.no, none: tx.none, parts: tx.parts }
}
