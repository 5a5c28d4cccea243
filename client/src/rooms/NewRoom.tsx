// /stanze/nuova (moderators and admins): a new room.
import { useEffect, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { useI18n } from '../i18n'
import { ErrorSummary, SelectField, TextField, fieldId, useForm, type Errors } from '../components/forms'
import { Page } from '../components/Page'
import { roomsApi } from './api'
import { initialRoomForm as initial, roomBody, validateRoomForm, type RoomFormValues as Values } from './roomForm'

export default function NewRoom() {
  const { t } = useI18n()
  const tr = t.rooms
  const tf = tr.form
  const form = useForm<Values>(initial)
  const navigate = useNavigate()
  const [admins, setAdmins] = useState<{ id: string; name: string }[] | null>(null)
  const [chosen, setChosen] = useState<string[]>([])
  const [filter, setFilter] = useState('')
  const invited = form.values.access === 'invited'

  useEffect(() => {
    if (!invited || admins !== null) return
    roomsApi.administrations().then(
      (l) => setAdmins(l.map((a) => ({ id: a.id, name: a.name })).sort((a, b) => a.name.localeCompare(b.name))),
      () => setAdmins([]),
    )
  }, [invited, admins])

  const validate = (v: Values): Errors => validateRoomForm(v, chosen, tf.errors)

  const labels: Record<string, string> = {
    name: tf.name,
    description: tf.description,
    table_id: tf.tableId,
    meeting: tf.meeting,
    administration_ids: tf.administrations,
    slow_mode_s: tf.slowMode,
  }
  const shown = (admins ?? []).filter((a) => a.name.toLowerCase().includes(filter.trim().toLowerCase()))
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]))
  const adminErr = form.errors.administration_ids

  return (
    <Page title={tf.title} narrow>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          const r = await roomsApi.create(roomBody(v, chosen))
          navigate('/stanze/' + encodeURIComponent(r.id))
        })}
      >
        <ErrorSummary form={form} labels={labels} />
        <TextField form={form} name="name" label={tf.name} maxLength={120} required />
        <TextField form={form} name="description" label={tf.description} maxLength={1000} multiline />
        <SelectField
          form={form}
          name="kind"
          label={tf.kind}
          options={(['theme', 'table', 'meeting'] as const).map((k) => ({ value: k, label: tr.kinds[k] }))}
        />
        {form.values.kind === 'table' ? <TextField form={form} name="table_id" label={tf.tableId} maxLength={64} required /> : null}
        {form.values.kind === 'meeting' ? <TextField form={form} name="meeting" label={tf.meeting} maxLength={120} required /> : null}
        <fieldset className="mb-4">
          <legend className="h6">{tf.access}</legend>
          {(['open', 'invited'] as const).map((a) => (
            <div className="form-check" key={a}>
              <input className="form-check-input" type="radio" name="access" id={'access-' + a} checked={form.values.access === a} onChange={() => form.set('access', a)} />
              <label className="form-check-label" htmlFor={'access-' + a}>
                {a === 'open' ? tf.accessOpen : tf.accessInvited}
              </label>
            </div>
          ))}
        </fieldset>
        {invited ? (
          <fieldset className="mb-4 room-admin-picker" aria-describedby="admins-chosen">
            <legend className="h6">{tf.administrations}</legend>
            <div className="form-group mb-2">
              <label htmlFor={fieldId('administration_ids')} className="active">
                {tf.filter}
              </label>
              <input
                id={fieldId('administration_ids')}
                type="search"
                className={'form-control' + (adminErr ? ' is-invalid' : '')}
                value={filter}
                aria-invalid={adminErr ? true : undefined}
                aria-describedby={adminErr ? fieldId('administration_ids') + '-error' : undefined}
                onChange={(e) => setFilter(e.target.value)}
              />
              {adminErr ? (
                <div id={fieldId('administration_ids') + '-error'} className="invalid-feedback d-block">
                  {adminErr}
                </div>
              ) : null}
            </div>
            <p id="admins-chosen" className="small" aria-live="polite">
              {tf.selected(chosen.length)}
            </p>
            {admins === null ? <p className="small">{t.common.loading}</p> : null}
            {admins && shown.length === 0 ? <p className="small">{tf.noAdministrations}</p> : null}
            <ul className="list-unstyled room-admin-list">
              {shown.map((a) => (
                <li key={a.id} className="form-check">
                  <input className="form-check-input" type="checkbox" id={'adm-' + a.id} checked={chosen.includes(a.id)} onChange={() => toggle(a.id)} />
                  <label className="form-check-label" htmlFor={'adm-' + a.id}>
                    {a.name}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <SelectField
          form={form}
          name="history"
          label={tf.history}
          options={[
            { value: 'full', label: tf.historyFull },
            { value: 'since_join', label: tf.historySinceJoin },
          ]}
        />
        <SelectField
          form={form}
          name="presence"
          label={tf.presence}
          options={[
            { value: 'names', label: tf.presenceNames },
            { value: 'counts', label: tf.presenceCounts },
          ]}
        />
        <TextField form={form} name="slow_mode_s" label={tf.slowMode} maxLength={4} />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {tf.create}
        </button>
      </form>
    </Page>
  )
}
