import type { Translation } from '../types'
import type { compose as it } from '../it/compose'

export const compose: Translation<typeof it> = {
  previewShow: 'Show preview',
  previewHide: 'Hide preview',
  previewTitle: 'Preview',
  previewEmpty: 'Nothing to show: write something.',
  previewLoading: 'Updating the preview…',
  previewFailed: (msg: string) => `Preview not available. ${msg}`,
  sendHint: 'Ctrl+Enter (⌘+Enter on a Mac) sends.',
  changes: 'What changed in the next version',
  added: 'added:',
  removed: 'removed:',
  noChanges: 'No difference in the text.',
  fullText: 'Full text of this version',
  deleteTitle: (n: number) => `Delete post #${n}?`,
  deleteBody: 'A placeholder stays in its place, so replies keep their context. The text, files, reactions and history will be gone.',
  deleteReason: 'Reason (optional)',
  deleteReasonHint: 'The author of the post and everyone reading the thread will see it in place of the post.',
  deleteConfirm: 'Delete the post',
  deleting: 'Deleting…',
  deletedByModerator: (reason: string) => `Post deleted by a moderator. Reason: ${reason}`,
  threadNotFoundTitle: 'Thread not found',
  threadNotFoundLead: 'The thread does not exist or has been removed.',
  backToForum: 'Back to the forum',
}
