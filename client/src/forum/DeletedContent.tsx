import { useState } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { forumApi, type DeletedPost, type HistoryEntry, type Post } from './api'
import { AttachmentList, HistoryList } from './PostParts'

/**
 * What a deleted post said, for moderators and admins: collapsed, fetched
 * when opened (the thread page every reader shares never carries it).
 */
export function DeletedContent({ post }: { post: Post }) {
  const { t, dateTime } = useI18n()
  const tf = t.forum
  const [content, setContent] = useState<{ post: DeletedPost; history: HistoryEntry[] } | null>(null)
  const [error, setError] = useState('')
  const load = (open: boolean) => {
    if (!open || content) return
    setError('')
    Promise.all([forumApi.deletedPost(post.id), forumApi.history(post.id)]).then(
      ([p, history]) => setContent({ post: p, history }),
      (e) => setError(apiErrorMessage(e, t)),
    )
  }
  return (
    <details className="forum-deleted-content mb-2" data-testid="deleted-content" onToggle={(e) => load(e.currentTarget.open)}>
      <summary className="small">{tf.deletedShow}</summary>
      {error ? (
        <p className="text-danger small" role="alert">
          {error}
        </p>
      ) : null}
      {content ? (
        <div className="border-start ps-2">
          <p className="small text-muted-accessible mb-1">
            {content.post.deleted_at ? tf.deletedBy(content.post.deleted_by_name, dateTime(content.post.deleted_at)) : tf.deletedByUnknown}
          </p>
          {/* Server-rendered and sanitised markdown, as for live posts. */}
          <div className="forum-post-body" data-testid="deleted-body" dangerouslySetInnerHTML={{ __html: content.post.html }} />
          <AttachmentList attachments={content.post.attachments} />
          {content.history.length > 0 ? (
            <>
              <p className="small fw-semibold mb-1">{tf.deletedHistory}</p>
              <HistoryList history={content.history} current={content.post.body} />
            </>
          ) : null}
        </div>
      ) : null}
    </details>
  )
}
