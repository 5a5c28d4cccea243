import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { api } from '../api/client'
import { isActive, type User } from '../api/types'
import { useT } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ErrorSummary, TextField, check, useForm, type Errors } from '../components/forms'
import { Page } from '../components/Page'

/** Only same-site paths are followed after login. */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null
}

export default function Login() {
  const t = useT()
  const f = t.account.fields
  const { refresh } = useSession()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const form = useForm({ email: '', password: '' })

  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!check.required(v.email)) e.email = t.common.errors.required
    else if (!check.email(v.email)) e.email = t.common.errors.email
    if (!check.required(v.password)) e.password = t.common.errors.required
    return e
  }

  return (
    <Page title={t.account.login.title} narrow>
      <form noValidate onSubmit={form.handleSubmit(validate, async (v) => {
        await api.post<{ user: User }>('/session', { email: v.email.trim(), password: v.password })
        const u = await refresh()
        navigate(safeNext(params.get('next')) ?? (u && !isActive(u) ? '/attesa' : '/'), { replace: true })
      })}>
        <ErrorSummary form={form} labels={{ email: f.email, password: f.password }} />
        <TextField form={form} name="email" type="email" label={f.email} autoComplete="username" required />
        <TextField form={form} name="password" type="password" label={f.password} autoComplete="current-password" required />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {t.account.login.submit}
        </button>
      </form>
      <p className="mt-4">
        <Link to="/password-dimenticata">{t.account.login.forgot}</Link>
      </p>
      <p>
        {t.account.login.noAccount} <Link to="/iscrizione">{t.common.enrol}</Link>
      </p>
    </Page>
  )
}
