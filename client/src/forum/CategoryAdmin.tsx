import { useEffect, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading } from '../components/Page'
import { ApiError } from '../api/client'
import { forumApi, sortCategories, type Category } from './api'
import { ErrorAlert, useAnnouncer } from './common'

/** The admin page's section for the forum's categories: add, rename, reorder, archive. */
export function CategoryAdmin() {
  const { t } = useI18n()
  const tf = t.forum
  const [cats, setCats] = useState<Category[] | null>(null)
  const [error, setError] = useState('')
  const [region, announce] = useAnnouncer()
  const [editing, setEditing] = useState<string | null>(null)

  useEffect(() => {
    forumApi.categories().then((l) => setCats(sortCategories(l)), (e) => setError(apiErrorMessage(e, t)))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [])

  const move = (i: number, dir: -1 | 1) => {
    if (!cats) return
    const l = cats.slice()
    const j = i + dir
    if (j < 0 || j >= l.length) return
    ;[l[i], l[j]] = [l[j], l[i]]
    forumApi.reorderCategories(l.map((c) => c.id)).then(
      (r) => {
        setCats(sortCategories(r))
        announce(tf.admin.moved)
      },
      (e) => setError(apiErrorMessage(e, t)),
    )
  }
  const archive = (c: Category) =>
    forumApi.updateCategory(c.id, { archived: !c.archived }).then(
      (nc) => {
        setCats((l) => (l ? sortCategories(l.map((x) => (x.id === nc.id ? nc : x))) : l))
        announce(tf.admin.updated)
      },
      (e) => setError(apiErrorMessage(e, t)),
    )

  return (
    <section aria-labelledby="admin-categories" className="mb-5">
      <h2 id="admin-categories" className="h3 mb-3">
        {tf.admin.title}
      </h2>
      {region}
      <ErrorAlert text={error} />
      {!cats ? (
        error ? null : <Loading />
      ) : (
        <>
          {cats.length === 0 ? <p>{tf.noCategories}</p> : null}
          <ul className="list-unstyled forum-categories">
            {cats.map((c, i) => (
              <li key={c.id} className={'forum-category border-bottom py-3' + (c.archived ? ' forum-archived' : '')} data-testid={`admin-category-${c.id}`}>
                <h3 className="h5 mb-1">
                  <Link to={`/forum/c/${c.id}`}>{c.name}</Link>
                  {c.archived ? <span className="badge bg-secondary ms-2">{tf.archived}</span> : null}
                </h3>
                <div className="d-flex flex-wrap gap-2 mt-2">
                  <button type="button" className="btn btn-outline-secondary btn-xs" aria-label={tf.admin.up(c.name)} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="btn btn-outline-secondary btn-xs" aria-label={tf.admin.down(c.name)} disabled={i === cats.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" className="btn btn-outline-secondary btn-xs" aria-label={tf.admin.rename(c.name)} aria-expanded={editing === c.id} onClick={() => setEditing(editing === c.id ? null : c.id)}>
                    {tf.admin.edit}
                  </button>
                  <button type="button" className="btn btn-outline-secondary btn-xs" aria-label={c.archived ? tf.admin.unarchive(c.name) : tf.admin.archive(c.name)} onClick={() => void archive(c)}>
                    {c.archived ? tf.admin.unarchiveLabel : tf.admin.archiveLabel}
                  </button>
                </div>
                {editing === c.id ? (
                  <CategoryForm
                    initial={c}
                    onDone={(nc) => {
                      setCats((l) => (l ? sortCategories(l.map((x) => (x.id === nc.id ? nc : x))) : l))
                      setEditing(null)
                      announce(tf.admin.updated)
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
          <h3 className="h4 mt-4" id="cat-admin-title">
            {tf.admin.add}
          </h3>
          <CategoryForm
            onDone={(nc) => {
              setCats((l) => sortCategories([...(l ?? []), nc]))
              announce(tf.admin.created(nc.name))
            }}
          />
        </>
      )}
    </section>
  )
}

function CategoryForm({ initial, onDone }: { initial?: Category; onDone: (c: Category) => void }) {
  const { t } = useI18n()
  const ta = t.forum.admin
  const [v, setV] = useState({
    name_it: initial?.name_it ?? '',
    name_en: initial?.name_en ?? '',
    description_it: initial?.description_it ?? '',
    description_en: initial?.description_en ?? '',
  })
  const [errs, setErrs] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState('')
  const pre = initial ? 'cat-' + initial.id + '-' : 'cat-new-'
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!v.name_it.trim()) {
      setErrs({ name_it: t.common.errors.required })
      return
    }
    setErrs({})
    setGeneral('')
    const p = initial ? forumApi.updateCategory(initial.id, v) : forumApi.createCategory(v)
    p.then(
      (c) => {
        if (!initial) setV({ name_it: '', name_en: '', description_it: '', description_en: '' })
        onDone(c)
      },
      (err) => {
        if (err instanceof ApiError && Object.keys(err.fields).length) setErrs(err.fields)
        else setGeneral(apiErrorMessage(err, t))
      },
    )
  }
  const field = (name: keyof typeof v, label: string) => (
    <div className="form-group mb-3">
      <label htmlFor={pre + name} className="active">
        {label}
      </label>
      <input
        id={pre + name}
        className={'form-control' + (errs[name] ? ' is-invalid' : '')}
        value={v[name]}
        aria-invalid={errs[name] ? true : undefined}
        aria-describedby={errs[name] ? pre + name + '-err' : undefined}
        onChange={(e) => setV({ ...v, [name]: e.target.value })}
      />
      {errs[name] ? (
        <div id={pre + name + '-err'} className="invalid-feedback d-block">
          {errs[name]}
        </div>
      ) : null}
    </div>
  )
  return (
    <form onSubmit={submit} noValidate className="mt-3">
      <ErrorAlert text={general} />
      <div className="row">
        <div className="col-md-6">{field('name_it', ta.nameIt)}</div>
        <div className="col-md-6">{field('name_en', ta.nameEn)}</div>
        <div className="col-md-6">{field('description_it', ta.descIt)}</div>
        <div className="col-md-6">{field('description_en', ta.descEn)}</div>
      </div>
      <button type="submit" className="btn btn-primary btn-sm">
        {initial ? t.common.save : ta.add}
      </button>
    </form>
  )
}
