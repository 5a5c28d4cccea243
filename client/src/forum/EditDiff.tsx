import { useI18n } from '../i18n'
import { wordDiff } from './wordDiff'

/**
 * What an edit changed, word by word: insertions in <ins>, deletions in
 * <del>, each also named in words for screen readers and marked by
 * underline and strike-through, not by colour alone.
 */
export function EditDiff({ before, after }: { before: string; after: string }) {
  const { t } = useI18n()
  const tc = t.compose
  const parts = wordDiff(before, after)
  if (!parts.some((p) => p.kind !== 'same')) return <p className="mb-2">{tc.noChanges}</p>
  return (
    <p className="forum-diff mb-2" data-testid="edit-diff">
      {parts.map((p, i) =>
        p.kind === 'ins' ? (
          <ins key={i}>
            <span className="visually-hidden">{tc.added} </span>
            {p.text}
          </ins>
        ) : p.kind === 'del' ? (
          <del key={i}>
            <span className="visually-hidden">{tc.removed} </span>
            {p.text}
          </del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </p>
  )
}
