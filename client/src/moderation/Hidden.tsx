import { useT } from '../i18n'

/**
 * What a hidden post or message shows: to readers a placeholder saying a
 * moderator acted, to its author (who gets the reason) a note above it.
 */
export function HiddenNotice({ reason }: { reason?: string }) {
  const t = useT()
  if (reason)
    return (
      <p className="alert alert-warning py-1 px-2 small mb-2" data-testid="hidden-own">
        {t.moderation.hiddenOwn(reason)}
      </p>
    )
  return (
    <p className="fst-italic text-muted-accessible mb-2" data-testid="hidden-placeholder">
      {t.moderation.hiddenPlaceholder}
    </p>
  )
}

/** Whether the reader gets a hidden item's placeholder instead of its content. */
export function veiled(item: { hidden?: boolean; hidden_reason?: string }): boolean {
  return !!item.hidden && !item.hidden_reason
}
