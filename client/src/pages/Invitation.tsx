import { useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router-dom'
import { ApiError, api } from '../api/client'
import type { InvitationInfo } from '../api/types'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ErrorSummary, TextField, apiErrorMessage, check, useForm, type Errors } from '../components/forms'
import { PrivacyNote } from '../components/PrivacyNote'
import { Loading, Page } from '../components/Page'

export default function Invitation() {
  const { t, date } = useI18n()
  const f = t.account.fields
  const inv = t.account.invitation
  const { token = '' } = useParams()
  const { refresh } = useSession()
  const navigate = useNavigate()
  const [info, setInfo] = useState<InvitationInfo | null>(null)
  const [failure, setFailure] = useState('')
  const form = useForm({ name: '', email: '', password: '', password_confirm: '' })
  const { setValues } = form

  useEffect(() => {
    let live = true
    api.get<InvitationInfo>('/invitations/' + encodeURIComponent(token)).then(
      (i) => {
        if (!live) return
        setInfo(i)
        if (i.email) setValues({ name: '', email: i.email, password: '', password_confirm: '' })
      },
      (e: unknown) => {
        if (!live) return
        if (e instanceof ApiError && e.code === 'token_expired') setFailure(inv.expired)
        else if (e instanceof ApiError && (e.code === 'token_invalid' || e.status === 404)) setFailure(inv.invalid)
        else setFailure(apiErrorMessage(e, t))
      },
    )
    return () => {
      live = false
    }
  }, [token, inv, t, setValues])

  if (failure) {
    return (
      <Page title={inv.title} narrow>
        <div className="alert alert-danger" role="alert">
          {failure}
        </div>
      </Page>
    )
  }
  if (!info) return <Loading />

  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!check.required(v.name)) e.name = t.common.errors.required
    if (!check.required(v.email)) e.email = t.common.errors.required
    else if (!check.email(v.email)) e.email = t.common.errors.email
    if (!check.password(v.password)) e.password = t.common.errors.passwordLength
    if (v.password_confirm !== v.password) e.password_confirm = t.common.errors.passwordMismatch
    return e
  }

  return (
    <Page title={inv.title} lead={inv.lead(info.administration_name)} narrow>
      <p>{inv.expires(date(info.expires_at))}</p>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          await api.post('/invitations/' + encodeURIComponent(token) + '/accept', { name: v.name.trim(), email: v.email.trim(), password: v.password })
          await refresh()
          navigate('/', { replace: true })
        })}
      >
        <ErrorSummary form={form} labels={{ name: f.name, email: f.email, password: f.password, password_confirm: f.passwordConfirm }} />
        <PrivacyNote />
        <TextField form={form} name="name" label={f.name} autoComplete="name" maxLength={100} required />
        <TextField form={form} name="email" type="email" label={f.email} autoComplete="email" required />
        <TextField form={form} name="password" type="password" label={f.password} hint={f.passwordHint} autoComplete="new-password" maxLength={128} required />
        <TextField form={form} name="password_confirm" type="password" label={f.passwordConfirm} autoComplete="new-password" maxLength={128} required />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {inv.submit}
        </button>
      </form>
    </Page>
  )
}
