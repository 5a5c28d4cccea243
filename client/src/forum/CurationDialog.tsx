import { useEffect, useState, type FormEvent } from 'react'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { forumApi, type Category, type Post, type ThreadSummary } from './api'
import { Dialog } from './common'

export type CurationMode = 'edit' | 'move' | 'merge' | 'split' | 'closeAt' | 'pinUntil'

/** A thread id from what a moderator pastes: an id, or an address /forum/t/<id>. */
export function threadIdOf(s: string): string {
  const m = s.trim().match(/\/forum\/t\/([^/?#]+)/)
  return m ? decodeURIComponent(m[1]) : s.trim()
}

/** A datetime-local value (the reader's time zone) as an ISO instant, or ''. */
function instant(local: string): string {
  const d = new Date(local)
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : ''
}

/**
 * A moderator's curation of a thread in a modal dialog (focus kept inside,
 * Escape cancels, focus back to the button that opened it): move, merge,
 * split, close after a date, pin until a date; each with a reason for the
 * audit log. Field errors from the server show next to their field.
 */
export function CurationDialog({
  mode,
  thread,
  posts,
  onClose,
  onDone,
}: {
  mode: CurationMode | null
  thread: ThreadSummary
  posts: Post[]
  onClose: () => void
  onDone: (mode: CurationMode, t: ThreadSummary) => void
}) {
  const { t } = useI18n()
  const tc = t.curation
  const [reason, setReason] = useState('')
  const [category, setCategory] = useState('')
  const [into, setInto] = useState('')
  const [title, setTitle] = useState('')
  const [tags, setTags] = useState('')
  const [picked, setPicked] = useState<Set<string>>(new Set())
  const [when, setWhen] = useState('')
  const [cats, setCats] = useState<Category[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})

  useEffect(() => {
    setReason('')
    setInto('')
    setTitle(mode === 'edit' ? thread.title : '')
    setTags(mode === 'edit' ? (thread.tags ?? []).join(', ') : '')
    setPicked(new Set())
    setWhen('')
    setError('')
    setFields({})
    if (mode === 'move') {
      forumApi.categories().then(
        (cs) => {
          const open = cs.filter((c) => !c.archived && c.id !== thread.category_id)
          setCats(open)
          setCategory(open[0]?.id ?? '')
        },
        (err) => setError(apiErrorMessage(err, t)),
      )
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the form starts from the thread as it was when the dialog opened
  }, [mode, thread.category_id, t])

  if (!mode) return <Dialog open={false} title="" onClose={onClose}>{null}</Dialog>
  const titles: Record<CurationMode, string> = { edit: tc.editTitle, move: tc.moveTitle, merge: tc.mergeTitle, split: tc.splitTitle, closeAt: tc.closeAtTitle, pinUntil: tc.pinUntilTitle }
  const id = thread.id

  const run = (): Promise<ThreadSummary> => {
    switch (mode) {
      case 'edit':
        return forumApi.updateThread(id, {
          title: title.trim(),
          tags: tags
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
          reason,
        })
      case 'move':
        return forumApi.moveThread(id, { category_id: category, reason })
      case 'merge':
        return forumApi.mergeThread(id, { into_id: threadIdOf(into), reason })
      case 'split':
        return forumApi.splitThread(id, { post_ids: [...picked], title, reason })
      case 'closeAt':
        return forumApi.updateThread(id, { closes_at: instant(when), reason })
      case 'pinUntil':
        return forumApi.updateThread(id, { pinned_until: instant(when), reason })
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    setFields({})
    run().then(
      (res) => {
        setBusy(false)
        onDone(mode, res)
      },
      (err: unknown) => {
        setBusy(false)
        if (err instanceof ApiError && Object.keys(err.fields).length > 0) setFields(err.fields)
        setError(apiErrorMessage(err, t))
      },
    )
  }

  const base = `curation-${mode}`
  const fieldError = (name: string) =>
    fields[name] ? (
      <small id={`${base}-${name}-error`} className="form-text text-danger">
        {fields[name]}
      </small>
    ) : null
  const described = (name: string, hint?: string) => [fields[name] ? `${base}-${name}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined

  return (
    <Dialog open title={titles[mode]} onClose={onClose}>
      <form onSubmit={submit} noValidate data-testid={base}>
        {error ? (
          <p className="text-danger" role="alert">
            {error}
          </p>
        ) : null}
        {mode === 'move' ? (
          <div className="select-wrapper mb-3">
            <label htmlFor={`${base}-category`}>{tc.targetCategory}</label>
            <select id={`${base}-category`} value={category} onChange={(e) => setCategory(e.target.value)} aria-describedby={described('category_id')} aria-invalid={!!fields.category_id}>
              {cats.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            {fieldError('category_id')}
          </div>
        ) : null}
        {mode === 'merge' ? (
          <div className="form-group">
            <label htmlFor={`${base}-into`} className="active">
              {tc.intoThread}
            </label>
            <input id={`${base}-into`} className="form-control" value={into} onChange={(e) => setInto(e.target.value)} required
              aria-invalid={!!fields.into_id} aria-describedby={described('into_id', `${base}-into-hint`)} />
            <small id={`${base}-into-hint`} className="form-text">
              {tc.intoThreadHint}
            </small>
            {fieldError('into_id')}
          </div>
        ) : null}
        {mode === 'edit' ? (
          <>
            <div className="form-group">
              <label htmlFor={`${base}-title`} className="active">
                {tc.threadTitle}
              </label>
              <input id={`${base}-title`} className="form-control" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200}
                aria-invalid={!!fields.title} aria-describedby={described('title')} />
              {fieldError('title')}
            </div>
            <div className="form-group">
              <label htmlFor={`${base}-tags`} className="active">
                {tc.tags}
              </label>
              <input id={`${base}-tags`} className="form-control" value={tags} onChange={(e) => setTags(e.target.value)}
                aria-invalid={!!fields.tags} aria-describedby={described('tags', `${base}-tags-hint`)} />
              <small id={`${base}-tags-hint`} className="form-text">
                {tc.tagsHint}
              </small>
              {fieldError('tags')}
            </div>
          </>
        ) : null}
        {mode === 'split' ? (
          <>
            <fieldset className="mb-3" aria-describedby={described('post_ids')}>
              <legend className="h6">{tc.splitPosts}</legend>
              {posts
                .filter((p) => p.n !== 1)
                .map((p) => (
                  <div className="form-check" key={p.id}>
                    <input
                      id={`${base}-p${p.n}`}
                      type="checkbox"
                      checked={picked.has(p.id)}
                      onChange={(e) =>
                        setPicked((s) => {
                          const n = new Set(s)
                          if (e.target.checked) n.add(p.id)
                          else n.delete(p.id)
                          return n
                        })
                      }
                    />
                    <label htmlFor={`${base}-p${p.n}`}>
                      #{p.n} {p.author_name}: {(p.body || '').slice(0, 80)}
                    </label>
                  </div>
                ))}
              {fieldError('post_ids')}
            </fieldset>
            <div className="form-group">
              <label htmlFor={`${base}-title`} className="active">
                {tc.splitTitleLabel}
              </label>
              <input id={`${base}-title`} className="form-control" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200}
                aria-invalid={!!fields.title} aria-describedby={described('title')} />
              {fieldError('title')}
            </div>
          </>
        ) : null}
        {mode === 'closeAt' || mode === 'pinUntil' ? (
          <div className="form-group">
            <label htmlFor={`${base}-when`} className="active">
              {tc.date}
            </label>
            <input id={`${base}-when`} type="datetime-local" className="form-control" value={when} onChange={(e) => setWhen(e.target.value)} required
              aria-invalid={!!(fields.closes_at || fields.pinned_until)} aria-describedby={described(mode === 'closeAt' ? 'closes_at' : 'pinned_until')} />
            {fieldError(mode === 'closeAt' ? 'closes_at' : 'pinned_until')}
          </div>
        ) : null}
        <div className="form-group">
          <label htmlFor={`${base}-reason`} className="active">
            {tc.reason}
          </label>
          <textarea id={`${base}-reason`} className="form-control" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required
            aria-invalid={!!fields.reason} aria-describedby={described('reason')} />
          {fieldError('reason')}
        </div>
        <div className="d-flex flex-wrap gap-2">
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
            {busy ? tc.working : tc.confirm}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={onClose}>
            {t.common.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
