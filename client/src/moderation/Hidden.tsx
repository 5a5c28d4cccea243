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

/**
 * What a record or a cell comment a moderator acted on shows (the API's
 * ModerationHold): with a reason (its author, moderators) a note above the
 * content, without (every other reader) a placeholder instead of it.
 */
export function ModeratedNotice({ moderated }: { moderated: { state: 'hidden' | 'deleted'; reason?: string } }) {
  const t = useT()
  if (moderated.state === 'hidden') return <HiddenNotice reason={moderated.reason} />
  if (moderated.reason)
    return (
      <p className="alert alert-warning py-1 px-2 small mb-2" data-testid="deleted-own">
        {t.moderation.deletedOwn(moderated.reason)}
      </p>
    )
  return (
    <p className="fst-italic text-muted-accessible mb-2" data-testid="deleted-placeholder">
      {t.moderation.deletedPlaceholder}
    </p>
  )
}
