import { api } from '../api/client'
import { useT } from '../i18n'
import { ErrorSummary, SuccessMessage, TextField, check, useForm, type Errors } from '../components/forms'
import { Page } from '../components/Page'

export default function ForgotPassword() {
  const t = useT()
  const p = t.account.forgot
  const form = useForm({ email: '' })
  const validate = (v: typeof form.values): Errors => {
    if (!check.required(v.email)) return { email: t.common.errors.required }
    if (!check.email(v.email)) return { email: t.common.errors.email }
    return {}
  }
  return (
    <Page title={p.title} lead={p.lead} narrow>
      <SuccessMessage text={form.success} />
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          await api.post('/password-resets', { email: v.email.trim() })
          return p.sent
        })}
      >
        <ErrorSummary form={form} labels={{ email: t.account.fields.email }} />
        <TextField form={form} name="email" type="email" label={t.account.fields.email} autoComplete="email" required />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {p.submit}
        </button>
      </form>
    </Page>
  )
}
