import { useI18n } from '../i18n'
import type { Attachment, HistoryEntry } from './api'
import { EditDiff } from './EditDiff'

/** A post's files, as links (images open in a new tab). */
export function AttachmentList({ attachments }: { attachments: Attachment[] | null | undefined }) {
  const { t } = useI18n()
  if (!attachments || attachments.length === 0) return null
  return (
    <div className="forum-attachments small">
      <span className="visually-hidden">{t.forum.attachments}: </span>
      <ul className="list-inline mb-2">
        {attachments.map((a) => (
          <li key={a.id} className="list-inline-item">
            <a href={a.url} target={a.image ? '_blank' : undefined} rel="noopener">
              {a.name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** A post's earlier versions, newest first, each with what changed after it (current: the text now). */
export function HistoryList({ history, current }: { history: HistoryEntry[]; current: string }) {
  const { t, dateTime } = useI18n()
  return (
    <ol className="list-unstyled">
      {history.map((h, i) => (
        <li key={h.n} className="mb-3 border-bottom pb-2">
          <h3 className="h6">{t.forum.historyVersion(dateTime(h.edited_at), h.editor_name)}</h3>
          <h4 className="h6 fw-normal fst-italic">{t.compose.changes}</h4>
          <EditDiff before={h.body} after={i === 0 ? current : history[i - 1].body} />
          <details>
            <summary>{t.compose.fullText}</summary>
            {/* Server-rendered and sanitised markdown, as for live posts. */}
            <div className="forum-post-body" dangerouslySetInnerHTML={{ __html: h.html }} />
          </details>
        </li>
      ))}
    </ol>
  )
}
