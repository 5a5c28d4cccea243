import { useEffect, useState, type FormEvent } from 'react'
import { useLocation, useNavigate } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ErrorList, apiErrorMessage } from '../components/forms'
import { Page } from '../components/Page'
import { forumApi, type Attachment, type Category } from './api'
import { Composer } from './Composer'
import { clearDraft } from './drafts'
import { parseTags } from './text'

export default function NewThread() {
  const { t } = useI18n()
  const tf = t.forum
  const { user } = useSession()
  const navigate = useNavigate()
  const location = useLocation()
  const [cats, setCats] = useState<Category[]>([])
  const [category, setCategory] = useState(new URLSearchParams(location.search).get('categoria') ?? '')
  const [title, setTitle] = useState('')
  const [tags, setTags] = useState('')
  const [body, setBody] = useState('')
  const [atts, setAtts] = useState<Attachment[]>([])
  const [errs, setErrs] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState('')
  const [busy, setBusy] = useState(false)
  /** Bumped on every failed submit: the error summary takes the focus. */
  const [attempt, setAttempt] = useState(0)
  // A field's error goes away as soon as the field changes.
  const clear = (k: string) =>
    setErrs((e) => {
      if (!(k in e)) return e
      const { [k]: _drop, ...rest } = e
      void _drop
      return rest
    })

  useEffect(() => {
    forumApi.categories().then((l) => setCats(l.filter((c) => !c.archived)), (e) => setGeneral(apiErrorMessage(e, t)))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const tagList = parseTags(tags)
    const v: Record<string, string> = {}
    if (!category) v.category_id = t.common.errors.required
    if (title.trim().length < 3 || title.trim().length > 200) v.title = tf.titleLength
    if (!body.trim()) v.body = tf.bodyRequired
    if (tagList.length > 5 || tagList.some((x) => x.length < 2 || x.length > 30)) v.tags = tf.tooManyTags
    setErrs(v)
    setGeneral('')
    if (Object.keys(v).length) {
      setAttempt((a) => a + 1)
      return
    }
    setBusy(true)
    try {
      const r = await forumApi.createThread({
        category_id: category,
        title: title.trim(),
        body,
        tags: tagList.length ? tagList : undefined,
        attachment_ids: atts.filter((a) => body.includes(a.url)).map((a) => a.id),
      })
      await clearDraft(user?.id ?? 'anon', `thread:new:${category}`)
      navigate(`/forum/t/${r.thread.id}`)
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const f: Record<string, string> = {}
        for (const [k, m] of Object.entries(err.fields)) f[k.startsWith('tags') ? 'tags' : k] = m
        setErrs(f)
        if (!['category_id', 'title', 'body', 'tags'].some((k) => k in f)) setGeneral(err.message || apiErrorMessage(err, t))
      } else {
        setGeneral(apiErrorMessage(err, t))
      }
      setAttempt((a) => a + 1)
    } finally {
      setBusy(false)
    }
  }

  const changeBody = (v: string) => {
    setBody(v)
    clear('body')
  }
  const err = (k: string) =>
    errs[k] ? (
      <div id={`f-${k}-error`} className="invalid-feedback d-block">
        {errs[k]}
      </div>
    ) : null
  return (
    <Page title={tf.newThread}>
      <form onSubmit={submit} noValidate className="forum-new-thread">
        <ErrorList errors={errs} general={general} attempt={attempt} labels={{ category_id: tf.category, title: tf.newTitle, tags: tf.newTags, body: tf.body }} />
        <div className="select-wrapper mb-4">
          <label htmlFor="f-category_id" className="active">
            {tf.category} <span className="text-danger" aria-hidden="true">*</span>
          </label>
          <select
            id="f-category_id"
            value={category}
            aria-required
            aria-invalid={errs.category_id ? true : undefined}
            aria-describedby={errs.category_id ? 'f-category_id-error' : undefined}
            onChange={(e) => {
              setCategory(e.target.value)
              clear('category_id')
            }}
          >
            <option value="">{tf.chooseCategory}</option>
            {cats.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {err('category_id')}
        </div>
        <div className="form-group">
          <label htmlFor="f-title" className="active">
            {tf.newTitle} <span className="text-danger" aria-hidden="true">*</span>
          </label>
          <input
            id="f-title"
            className={'form-control' + (errs.title ? ' is-invalid' : '')}
            value={title}
            maxLength={200}
            aria-required
            aria-invalid={errs.title ? true : undefined}
            aria-describedby={errs.title ? 'f-title-error' : undefined}
            onChange={(e) => {
              setTitle(e.target.value)
              clear('title')
            }}
          />
          {err('title')}
        </div>
        <div className="form-group">
          <label htmlFor="f-tags" className="active">
            {tf.newTags}
          </label>
          <input
            id="f-tags"
            className={'form-control' + (errs.tags ? ' is-invalid' : '')}
            value={tags}
            aria-invalid={errs.tags ? true : undefined}
            aria-describedby={'f-tags-hint' + (errs.tags ? ' f-tags-error' : '')}
            onChange={(e) => {
              setTags(e.target.value)
              clear('tags')
            }}
          />
          <small id="f-tags-hint" className="form-text">
            {tf.tagsHint}
          </small>
          {err('tags')}
        </div>
        {category ? (
          <Composer
            key={category}
            draftKey={`thread:new:${category}`}
            name="body"
            label={tf.body}
            value={body}
            onChange={changeBody}
            onAttachment={(a) => setAtts((l) => [...l, a])}
            error={errs.body}
            required
          />
        ) : (
          <Composer draftKey="thread:new:none" name="body" label={tf.body} value={body} onChange={changeBody} error={errs.body} required key="none" />
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? tf.publishing : tf.publish}
        </button>
      </form>
    </Page>
  )
}
