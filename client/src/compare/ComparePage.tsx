// /confronto?ids=a,b,c: an ad-hoc comparison (the URL is the comparison,
// so it can be shared), kept live on its records, with a form to save it
// as a table.
import { useCallback, useMemo } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { useI18n } from '../i18n'
import { ErrorSummary, TextField, useForm, type Errors } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { useAnnouncer } from '../forum/common'
import { compareApi, exportHref } from './api'
import { ComparisonView } from './ComparisonView'
import { useAnnounceChanges } from './announce'
import { MAX_COLUMNS, MIN_COLUMNS, parseIds } from './rows'
import { useLiveComparison } from './useLiveComparison'
import { useRowView } from './useRowView'
import './compare.css'


export default function ComparePage() {
  const { t } = useI18n()
  const tc = t.compare
  const [params] = useSearchParams()
  const ids = useMemo(() => parseIds(params.get('ids')), [params])
  if (ids.length < MIN_COLUMNS || ids.length > MAX_COLUMNS) {
    return (
      <Page title={tc.adHocTitle} narrow>
        <p>{tc.needIds}</p>
        <Link to="/esperienze" className="btn btn-primary">
          {tc.toExperiences}
        </Link>
      </Page>
    )
  }
  return <AdHoc key={ids.join(',')} ids={ids} />
}

function AdHoc({ ids }: { ids: string[] }) {
  const { t } = useI18n()
  const tc = t.compare
  const [region, say] = useAnnouncer()
  const announce = useAnnounceChanges(say)
  const live = useLiveComparison({ tableId: null, fetch: () => compareApi.adHoc(ids), onFresh: announce }, ids.join(','))
  const data = live.data
  const rv = useRowView(data)
  const noRow = useCallback(() => undefined, [])

  if (live.status === 'missing' || live.status === 'error') {
    return (
      <Page title={tc.adHocTitle} narrow>
        <p>{live.status === 'error' ? t.common.errors.generic : tc.someMissing}</p>
        <Link to="/esperienze" className="btn btn-primary">
          {tc.toExperiences}
        </Link>
      </Page>
    )
  }
  if (!data) return <Loading />
  return (
    <Page title={tc.adHocTitle} lead={tc.adHocLead}>
      {region}
      <ComparisonView
        comparison={data}
        caption={tc.caption(data.columns.length)}
        counts={live.counts}
        rows={rv}
        exportHref={(f) => exportHref({ ids }, f)}
        viewers={new Map()}
        onCommentAdded={live.refetchCounts}
        onRow={noRow}
        panel={{
          saved: false,
          onMove: (field, dir) => void rv.move(field, dir),
          onToggle: (field) => void rv.toggleRow(field),
        }}
      />
      <SaveTable ids={ids} />
    </Page>
  )
}

function SaveTable({ ids }: { ids: string[] }) {
  const { t } = useI18n()
  const tc = t.compare
  const navigate = useNavigate()
  const form = useForm({ name: '', description: '' })
  const validate = (v: { name: string; description: string }): Errors => {
    const e: Errors = {}
    if (!v.name.trim()) e.name = tc.nameRequired
    else if ([...v.name.trim()].length > 120) e.name = tc.nameTooLong
    if ([...v.description].length > 2000) e.description = tc.descriptionTooLong
    return e
  }
  return (
    <section className="mt-5 compare-save" aria-labelledby="compare-save-title" data-anchor="save">
      <h2 id="compare-save-title" className="h3">
        {tc.saveTitle}
      </h2>
      <p>{tc.saveLead}</p>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          const desc = v.description.trim()
          const tb = await compareApi.create({ name: v.name.trim(), experiences: ids, ...(desc ? { description: desc } : {}) })
          navigate('/tavoli/' + encodeURIComponent(tb.id))
        })}
      >
        <ErrorSummary form={form} labels={{ name: tc.name, description: tc.description }} />
        <TextField form={form} name="name" label={tc.name} required maxLength={120} />
        <TextField form={form} name="description" label={tc.description} hint={tc.descriptionHint} maxLength={2000} multiline />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {tc.save}
        </button>
      </form>
    </section>
  )
}
