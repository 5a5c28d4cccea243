import { useState } from 'react'
import { api } from '../api/client'
import { isActive, type Invitation, type User } from '../api/types'
import { useI18n, useT, type Lang } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ErrorSummary, SelectField, SuccessMessage, TextField, check, useForm, type Errors } from '../components/forms'
import { InviteLink } from '../components/InviteLink'
import { Page } from '../components/Page'

function Details({ user }: { user: User }) {
  const { t, lang, setLang } = useI18n()
  const { setUser } = useSession()
  const f = t.account.fields
  const form = useForm({ name: user.name, lang: user.lang || lang })
  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!check.required(v.name)) e.name = t.common.errors.required
    else if (v.name.trim().length > 100) e.name = t.common.errors.tooLong(100)
    return e
  }
  return (
    <section aria-labelledby="profile-details" className="mb-5">
      <h2 id="profile-details" className="h3 mb-4">
        {t.account.profile.details}
      </h2>
      <dl className="row">
        <dt className="col-sm-4">{f.email}</dt>
        <dd className="col-sm-8">{user.email}</dd>
        <dt className="col-sm-4">{t.account.profile.administration}</dt>
        <dd className="col-sm-8">
          {user.administration_name || '—'} {user.administration_ipa ? <span className="text-monospace">({user.administration_ipa})</span> : null}
        </dd>
        <dt className="col-sm-4">{t.account.profile.role}</dt>
        <dd className="col-sm-8">
          {t.account.roles[user.role]}
          {user.referente ? ` · ${t.account.profile.referente}` : ''}
        </dd>
      </dl>
      <SuccessMessage text={form.success} />
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          const u = await api.patch<User>('/me', { name: v.name.trim(), lang: v.lang })
          setLang(v.lang as Lang)
          setUser(u)
          return t.common.saved
        })}
      >
        <ErrorSummary form={form} labels={{ name: f.name, lang: f.language }} />
        <TextField form={form} name="name" label={f.name} autoComplete="name" maxLength={100} required />
        <SelectField
          form={form}
          name="lang"
          label={f.language}
          options={[
            { value: 'it', label: t.common.languageName.it },
            { value: 'en', label: t.common.languageName.en },
          ]}
        />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {t.common.save}
        </button>
      </form>
    </section>
  )
}

function ChangePassword() {
  const t = useT()
  const f = t.account.fields
  const form = useForm({ current_password: '', new_password: '', password_confirm: '' })
  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!check.required(v.current_password)) e.current_password = t.common.errors.required
    if (!check.password(v.new_password)) e.new_password = t.common.errors.passwordLength
    if (v.password_confirm !== v.new_password) e.password_confirm = t.common.errors.passwordMismatch
    return e
  }
  return (
    <section aria-labelledby="profile-password" className="mb-5">
      <h2 id="profile-password" className="h3 mb-4">
        {t.account.profile.passwordTitle}
      </h2>
      <SuccessMessage text={form.success} />
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          await api.put('/me/password', { current_password: v.current_password, new_password: v.new_password })
          form.setValues({ current_password: '', new_password: '', password_confirm: '' })
          return t.account.profile.passwordDone
        })}
      >
        <ErrorSummary form={form} labels={{ current_password: f.currentPassword, new_password: f.newPassword, password_confirm: f.passwordConfirm }} />
        <TextField form={form} name="current_password" type="password" label={f.currentPassword} autoComplete="current-password" required />
        <TextField form={form} name="new_password" type="password" label={f.newPassword} hint={f.passwordHint} autoComplete="new-password" maxLength={128} required />
        <TextField form={form} name="password_confirm" type="password" label={f.passwordConfirm} autoComplete="new-password" maxLength={128} required />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {t.account.profile.passwordSubmit}
        </button>
      </form>
    </section>
  )
}

function Invite() {
  const t = useT()
  const p = t.account.profile
  const [invitation, setInvitation] = useState<Invitation | null>(null)
  const form = useForm({ email: '' })
  const validate = (v: typeof form.values): Errors => (v.email.trim() && !check.email(v.email) ? { email: t.common.errors.email } : {})
  return (
    <section aria-labelledby="profile-invite" className="mb-5">
      <h2 id="profile-invite" className="h3 mb-4">
        {p.inviteTitle}
      </h2>
      <p>{p.inviteLead}</p>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          setInvitation(null)
          const inv = await api.post<Invitation>('/invitations', v.email.trim() ? { email: v.email.trim() } : {})
          setInvitation(inv)
        })}
      >
        <ErrorSummary form={form} labels={{ email: p.inviteEmail }} />
        <TextField form={form} name="email" type="email" label={`${p.inviteEmail} (${t.common.optional})`} autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {p.inviteSubmit}
        </button>
      </form>
      {invitation ? <InviteLink invitation={invitation} /> : null}
    </section>
  )
}


export default function Profile() {
  const { t } = useI18n()
  const { user } = useSession()
  if (!user) return null
  return (
    <Page title={t.account.profile.title} narrow>
      <Details user={user} />
      <ChangePassword />
      {user.referente && isActive(user) ? <Invite /> : null}
    </Page>
  )
}
