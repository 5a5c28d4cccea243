import { useT } from '../../i18n'

/**
 * The forum's place on the dashboard. The forum engineer replaces this
 * component (e.g. with the latest threads from GET /api/v1/threads, live on
 * topic `forum`); the home page only renders <ForumSlot />.
 */
export function ForumSlot() {
  const t = useT()
  return (
    <section aria-labelledby="forum-slot-title" className="forum-slot p-4 border rounded">
      <h2 id="forum-slot-title" className="h4">
        {t.common.forum}
      </h2>
      <p className="mb-0 text-muted-accessible">{t.account.home.forumSlot}</p>
    </section>
  )
}
