import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n'
import type { Choice, Conflict, ConflictRow, Schema } from './model'
import { displayValue } from './schema'
import { useDisplayWords } from './parts'

/**
 * A save refused because someone saved meanwhile: each field they changed,
 * mine beside theirs, and a choice per field; then the merge is saved over
 * the current version. Takes the focus when it appears.
 */
export function ConflictPanel({
  schema,
  conflict,
  rows,
  busy,
  onMerge,
  onCancel,
  label,
}: {
  schema: Schema
  conflict: Conflict
  rows: ConflictRow[]
  busy: boolean
  onMerge: (choices: Record<string, Choice>) => void
  onCancel: () => void
  label: (path: string) => string
}) {
  const { t, lang, dateTime } = useI18n()
  const tf = t.experiences.form
  const words = useDisplayWords()
  const [choices, setChoices] = useState<Record<string, Choice>>(() => Object.fromEntries(rows.map((r) => [r.field, r.choice])))
  const ref = useRef<HTMLElement>(null)
  useEffect(() => ref.current?.focus(), [conflict])
  const show = (path: string, v: unknown) => displayValue(schema, path, v, lang, words)
  return (
    <section ref={ref} tabIndex={-1} className="alert alert-warning exp-conflict" aria-labelledby="exp-conflict-title" data-testid="conflict">
      <h2 id="exp-conflict-title" className="h4">
        {tf.conflictTitle}
      </h2>
      <p>{tf.conflictIntro(conflict.current_version)}</p>
      {rows.map((r) => {
        const name = 'merge-' + r.field
        return (
          <fieldset key={r.field} className="exp-conflict-row border-top pt-2 mb-3">
            <legend className="exp-factor-legend">{label(r.field)}</legend>
            <div className="form-check">
              <input id={name + '-mine'} name={name} type="radio" checked={choices[r.field] === 'mine'} onChange={() => setChoices({ ...choices, [r.field]: 'mine' })} />
              <label htmlFor={name + '-mine'}>
                {tf.keepMine}: <strong>{show(r.field, r.mine)}</strong>
              </label>
            </div>
            <div className="form-check">
              <input
                id={name + '-theirs'}
                name={name}
                type="radio"
                checked={choices[r.field] === 'theirs'}
                onChange={() => setChoices({ ...choices, [r.field]: 'theirs' })}
              />
              <label htmlFor={name + '-theirs'}>
                {tf.takeTheirs}: <strong>{show(r.field, r.theirs)}</strong> <span className="small">({tf.changedBy(r.by_name, dateTime(r.at))})</span>
              </label>
            </div>
          </fieldset>
        )
      })}
      <div className="d-flex flex-wrap gap-2">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onMerge(choices)}>
          {tf.mergeSave}
        </button>
        <button type="button" className="btn btn-outline-primary" onClick={onCancel}>
          {tf.mergeCancel}
        </button>
      </div>
    </section>
  )
}
