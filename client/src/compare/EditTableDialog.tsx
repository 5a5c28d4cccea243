// "Modifica nome e descrizione": the table's name (1–120 characters) and
// description (up to 2000) in a modal dialog; the page does the PATCH
// (onSave). The server's field errors land next to the fields.
import { useEffect } from 'react'
import { useI18n } from '../i18n'
import { ErrorSummary, TextField, fieldId, useForm } from '../components/forms'
import { Dialog } from '../forum/common'
import { tableTextPatch, validateTableText, type TableText } from './tableText'

export interface EditTableDialogProps {
  open: boolean
  onClose: () => void
  initial: TableText
  /** Saves the text; rejects with the error to show. */
  onSave: (v: TableText) => Promise<void>
}

export function EditTableDialog(p: EditTableDialogProps) {
  const { t } = useI18n()
  return (
    <Dialog open={p.open} title={t.compare.editTitle} onClose={p.onClose}>
      <EditTableForm {...p} />
    </Dialog>
  )
}

function EditTableForm({ initial, onSave }: EditTableDialogProps) {
  const { t } = useI18n()
  const tc = t.compare
  const form = useForm<{ name: string; description: string }>({ name: initial.name, description: initial.description })

  // The focus goes to the name once the dialog is open (showModal runs after this mounts).
  useEffect(() => {
    const h = window.setTimeout(() => document.getElementById(fieldId('name'))?.focus(), 0)
    return () => window.clearTimeout(h)
  }, [])

  return (
    <form noValidate data-testid="edit-table-dialog" onSubmit={form.handleSubmit((v) => validateTableText(v, tc), (v) => onSave(tableTextPatch(v)))}>
      <ErrorSummary form={form} labels={{ name: tc.name, description: tc.description }} />
      <TextField form={form} name="name" label={tc.name} required maxLength={120} />
      <TextField form={form} name="description" label={tc.description} hint={tc.descriptionHint} maxLength={2000} multiline />
      <button type="submit" className="btn btn-primary btn-sm" disabled={form.submitting}>
        {tc.saveText}
      </button>
    </form>
  )
}
