import { useNavigate } from 'react-router-dom'
import { api } from '../api/client'
import { CATEGORIES, REGIONS } from '../api/types'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { PrivacyNote } from '../components/PrivacyNote'
import { ErrorSummary, SelectField, TextField, check, useForm, type Errors } from '../components/forms'
import { Loading, Page } from '../components/Page'

const initial = {
  codice_ipa: '',
  name: '',
  category: '',
  region: '',
  'referente.name': '',
  'referente.email': '',
  'referente.password': '',
  password_confirm: '',
}

export default function Enrol() {
  const { t, date, lang } = useI18n()
  const f = t.account.fields
  const e = t.account.enrol
  const { loaded, enrolment, refresh } = useSession()
  const navigate = useNavigate()
  const form = useForm(initial)

  if (!loaded) return <Loading />
  if (!enrolment.open) {
    return (
      <Page title={e.closedTitle} narrow>
        <div className="alert alert-info" role="status">
          {enrolment.deadline ? e.closed(date(enrolment.deadline)) : e.closedNoDeadline}
        </div>
      </Page>
    )
  }

  const labels: Record<string, string> = {
    codice_ipa: f.codiceIpa,
    name: f.adminName,
    category: f.category,
    region: f.region,
    'referente.name': f.referenteName,
    'referente.email': f.referenteEmail,
    'referente.password': f.password,
    password_confirm: f.passwordConfirm,
  }

  const validate = (v: typeof initial): Errors => {
    const err: Errors = {}
    const req = t.common.errors.required
    if (!check.required(v.codice_ipa)) err.codice_ipa = req
    else if (!check.ipa(v.codice_ipa)) err.codice_ipa = e.ipaFormat
    if (!check.required(v.name)) err.name = req
    else if (v.name.trim().length > 200) err.name = t.common.errors.tooLong(200)
    if (!v.category) err.category = req
    if (!v.region) err.region = req
    if (!check.required(v['referente.name'])) err['referente.name'] = req
    if (!check.required(v['referente.email'])) err['referente.email'] = req
    else if (!check.email(v['referente.email'])) err['referente.email'] = t.common.errors.email
    if (!check.password(v['referente.password'])) err['referente.password'] = t.common.errors.passwordLength
    if (v.password_confirm !== v['referente.password']) err.password_confirm = t.common.errors.passwordMismatch
    return err
  }

  const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, lang)
  const categories = CATEGORIES.map((c) => ({ value: c, label: t.lists.categories[c] })).sort(byLabel)
  const regions = REGIONS.map((r) => ({ value: r, label: t.lists.regions[r] })).sort(byLabel)

  return (
    <Page title={e.title} lead={e.lead} narrow>
      {enrolment.deadline ? <p>{e.deadline(date(enrolment.deadline))}</p> : null}
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          await api.post('/enrolments', {
            codice_ipa: v.codice_ipa.trim(),
            name: v.name.trim(),
            category: v.category,
            region: v.region,
            referente: { name: v['referente.name'].trim(), email: v['referente.email'].trim(), password: v['referente.password'] },
          })
          await refresh()
          navigate('/attesa', { replace: true })
        })}
      >
        <ErrorSummary form={form} labels={labels} />
        <fieldset className="mb-4">
          <legend className="h4 mb-4">{e.adminSection}</legend>
          <TextField form={form} name="codice_ipa" label={f.codiceIpa} hint={f.codiceIpaHint} maxLength={11} required />
          <TextField form={form} name="name" label={f.adminName} autoComplete="organization" maxLength={200} required />
          <SelectField form={form} name="category" label={f.category} options={categories} placeholder={f.choose} required />
          <SelectField form={form} name="region" label={f.region} options={regions} placeholder={f.choose} required />
        </fieldset>
        <fieldset className="mb-4">
          <legend className="h4 mb-4">{e.referenteSection}</legend>
          <PrivacyNote />
          <TextField form={form} name="referente.name" label={f.referenteName} autoComplete="name" maxLength={100} required />
          <TextField form={form} name="referente.email" type="email" label={f.referenteEmail} autoComplete="email" required />
          <TextField form={form} name="referente.password" type="password" label={f.password} hint={f.passwordHint} autoComplete="new-password" maxLength={128} required />
          <TextField form={form} name="password_confirm" type="password" label={f.passwordConfirm} autoComplete="new-password" maxLength={128} required />
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {e.submit}
        </button>
      </form>
    </Page>
  )
}
