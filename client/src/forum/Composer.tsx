import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { ApiError } from '../api/client'
import { useT } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { forumApi, type Attachment, type MentionSuggestion } from './api'
import { isDraftStorageEvent, readLocal, readServer, registerPending, saveServer, writeLocal } from './drafts'
import { uploadAttachment } from './upload'
import { MarkdownPreview } from './MarkdownPreview'
import { applyFormat, applyMention, mentionAt, pickDraft, type Format } from './text'

const SAVE_DELAY_MS = 800

export interface ComposerProps {
  /** The API contract's draft key: thread:new:<cat>, reply:<thread>, reply:<thread>:<post>, edit:<post> */
  draftKey: string
  label: string
  value: string
  onChange: (v: string) => void
  /** The text that counts as "nothing typed" (an edited post's body). */
  initial?: string
  onAttachment?: (a: Attachment) => void
  error?: string
  autoFocus?: boolean
  textareaRef?: RefObject<HTMLTextAreaElement>
  required?: boolean
  /** Used for the textarea's id (labels, error summary links). */
  name?: string
  /** Keep the draft in this browser only (keys the server's drafts do not know, e.g. a room's). */
  localOnly?: boolean
  rows?: number
  /** Called on each keystroke that changes the text (a room's typing indicator). */
  onInput?: () => void
}

type Upload = { id: number; name: string; pct: number; error?: string; done?: boolean }

/**
 * The markdown editor shared by new thread, reply and edit: toolbar,
 * @mention autocomplete (listbox), attachments, and drafts kept in the
 * browser and on the server.
 */
export function Composer({ draftKey, label, value, onChange, initial = '', onAttachment, error, autoFocus, textareaRef, required, name, localOnly = false, rows = 6, onInput }: ComposerProps) {
  const t = useT()
  const tc = t.forum.composer
  const { user } = useSession()
  const userId = user?.id ?? 'anon'
  const uid = useId().replace(/:/g, '')
  const id = name ? 'f-' + name : 'composer-' + uid
  const listId = id + '-mentions'
  const ownRef = useRef<HTMLTextAreaElement>(null) as RefObject<HTMLTextAreaElement>
  const ta = textareaRef ?? ownRef
  const [status, setStatus] = useState('')
  const [uploads, setUploads] = useState<Upload[]>([])
  const [suggestions, setSuggestions] = useState<MentionSuggestion[]>([])
  const [active, setActive] = useState(0)
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null)
  /** The query the suggestions answer: older answers are not offered for a newer @word. */
  const [answered, setAnswered] = useState<string | null>(null)
  /** Enter came before the answer: pick its first suggestion when it arrives. */
  const pickFirst = useRef(false)
  /** The thread written in (from the draft key), whose participants the server ranks first. */
  const threadId = /^(?:reply|edit):(\d+)/.exec(draftKey)?.[1]

  const valueRef = useRef(value)
  valueRef.current = value
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  /** What the drafts already hold (no save needed while value equals it). */
  const saved = useRef<string | null>(null)
  const timer = useRef<number | undefined>(undefined)

  // Restore: the newer of the browser's and the server's copy, unless the user already typed.
  useEffect(() => {
    let cancelled = false
    saved.current = null
    const local = readLocal(userId, draftKey)
    const start = valueRef.current
    void (localOnly ? Promise.resolve(null) : readServer(draftKey)).then((server) => {
      if (cancelled) return
      const d = pickDraft(local, server)
      saved.current = d?.body ?? initial
      if (d && d.body && d.body !== valueRef.current && valueRef.current === start && (start === '' || start === initial)) {
        onChangeRef.current(d.body)
        setStatus(tc.draftRestored)
      } else if (!d) {
        saved.current = valueRef.current
      }
    })
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- restores the draft once per draft key; later changes of initial or language must not overwrite typing
  }, [draftKey, userId])

  const flush = useCallback(() => {
    window.clearTimeout(timer.current)
    timer.current = undefined
    registerPending(draftKey, null)
    const body = valueRef.current === initial ? '' : valueRef.current
    saved.current = valueRef.current
    if (localOnly) {
      setStatus('')
      return
    }
    saveServer(draftKey, body).then(
      () => setStatus(body ? tc.draftSaved : ''),
      () => setStatus(body ? tc.draftLocal : ''),
    )
  }, [draftKey, initial, tc, localOnly])

  // Save on every change: at once in the browser, debounced on the server.
  useEffect(() => {
    if (saved.current === null || value === saved.current) return
    const body = value === initial ? '' : value
    writeLocal(userId, draftKey, body)
    setStatus(body ? tc.draftSaving : '')
    window.clearTimeout(timer.current)
    timer.current = window.setTimeout(flush, SAVE_DELAY_MS)
    registerPending(draftKey, () => {
      window.clearTimeout(timer.current)
      timer.current = undefined
      saved.current = ''
      setStatus('')
    })
  }, [value, initial, userId, draftKey, flush, tc])

  // Leaving with a pending save: send it now.
  useEffect(
    () => () => {
      if (timer.current !== undefined) flush()
    },
    [flush],
  )

  // Another window of this browser typed in the same composer: follow it while we have not typed.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (!isDraftStorageEvent(e, userId, draftKey)) return
      if (valueRef.current !== (saved.current ?? initial) || document.activeElement === ta.current) return
      const d = readLocal(userId, draftKey)
      const body = d?.body ?? initial
      saved.current = body
      onChangeRef.current(body)
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [userId, draftKey, initial, ta])

  useEffect(() => {
    if (autoFocus) ta.current?.focus()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- focuses once when mounted
  }, [])

  // Mentions: fetch suggestions for the @word at the caret.
  useEffect(() => {
    if (!mention) {
      setSuggestions([])
      pickFirst.current = false
      return
    }
    const ctl = new AbortController()
    const h = window.setTimeout(() => {
      forumApi.mentions(mention.query, threadId, ctl.signal).then(
        (list) => {
          setSuggestions(list ?? [])
          setAnswered(mention.query)
          setActive(0)
        },
        () => setSuggestions([]),
      )
    }, 150)
    return () => {
      window.clearTimeout(h)
      ctl.abort()
    }
  }, [mention, threadId])

  const updateMention = (el: HTMLTextAreaElement) => {
    const m = el.selectionStart === el.selectionEnd ? mentionAt(el.value, el.selectionStart) : null
    setMention((old) => (old?.start === m?.start && old?.query === m?.query ? old : m))
  }

  const setAndSelect = (v: string, start: number, end: number) => {
    onChange(v)
    requestAnimationFrame(() => {
      const el = ta.current
      if (!el) return
      el.focus()
      el.setSelectionRange(start, end)
    })
  }

  const pick = (s: MentionSuggestion) => {
    const el = ta.current
    if (!el || !mention) return
    const r = applyMention(value, mention.start, el.selectionStart, s.handle)
    setMention(null)
    setAndSelect(r.value, r.caret, r.caret)
  }

  const open = mention !== null && answered === mention.query && suggestions.length > 0
  useEffect(() => {
    if (!open || !pickFirst.current) return
    pickFirst.current = false
    pick(suggestions[0])
    // eslint-disable-next-line react-hooks/exhaustive-deps -- pick is recreated each render; this runs when the suggestions open
  }, [open, suggestions])

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      // Ctrl/Cmd+Enter sends the form this composer is in (its own checks run as for the button).
      e.preventDefault()
      setMention(null)
      e.currentTarget.form?.requestSubmit()
      return
    }
    if (!open) {
      if (e.key === 'Enter' && mention && answered !== mention.query) {
        e.preventDefault()
        pickFirst.current = true
      }
      return
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => (a + 1) % suggestions.length)
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault()
      pick(suggestions[active])
    } else if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      setMention(null)
    }
  }

  const format = (kind: Format) => {
    const el = ta.current
    if (!el) return
    const r = applyFormat(value, el.selectionStart, el.selectionEnd, kind)
    setAndSelect(r.value, r.start, r.end)
  }

  const insertAtCaret = (text: string) => {
    const el = ta.current
    const cur = valueRef.current
    const pos = el ? el.selectionEnd : cur.length
    const before = cur.slice(0, pos)
    const sep = before && !before.endsWith('\n') ? '\n' : ''
    onChangeRef.current(before + sep + text + '\n' + cur.slice(pos))
  }

  const upload = (files: FileList | null) => {
    if (!files) return
    for (const file of Array.from(files)) {
      const uidN = Date.now() + Math.random()
      setUploads((u) => [...u, { id: uidN, name: file.name, pct: 0 }])
      const patch = (p: Partial<Upload>) => setUploads((u) => u.map((x) => (x.id === uidN ? { ...x, ...p } : x)))
      uploadAttachment(file, (pct) => patch({ pct })).then(
        (a) => {
          patch({ pct: 100, done: true })
          const md = a.image ? `![${a.name}](${a.url})` : `[${a.name}](${a.url})`
          insertAtCaret(md)
          onAttachment?.(a)
          window.setTimeout(() => setUploads((u) => u.filter((x) => x.id !== uidN)), 4000)
        },
        (err: unknown) => {
          let msg: string
          if (err instanceof ApiError && err.status === 413) msg = tc.tooLarge(file.name)
          else if (err instanceof ApiError && (err.status === 415 || err.code === 'file_type_not_allowed')) msg = tc.badType(file.name)
          else msg = tc.uploadFailed(file.name, apiErrorMessage(err, t))
          patch({ error: msg })
        },
      )
    }
  }

  const hintId = id + '-hint'
  const errId = id + '-error'
  const toolbar: [Format, string, string][] = [
    ['bold', tc.bold, 'B'],
    ['italic', tc.italic, 'I'],
    ['link', tc.link, tc.link],
    ['list', tc.list, tc.list],
    ['quote', tc.quote, tc.quote],
  ]
  return (
    <div className="composer mb-3">
      <label htmlFor={id} className="composer-label fw-semibold d-block mb-1">
        {label}
        {required ? <span className="text-danger" aria-hidden="true"> *</span> : null}
      </label>
      <div role="group" aria-label={tc.toolbar} className="composer-toolbar d-flex flex-wrap gap-1 mb-1">
        {toolbar.map(([k, name, glyph]) => (
          <button key={k} type="button" className={'btn btn-outline-secondary btn-xs composer-btn composer-' + k} aria-label={name === glyph ? undefined : name} title={name} onClick={() => format(k)}>
            {name === glyph ? glyph : <span aria-hidden="true">{glyph}</span>}
          </button>
        ))}
        <label className="btn btn-outline-secondary btn-xs composer-btn mb-0" title={tc.attachHint}>
          {tc.attach}
          <input
            type="file"
            className="visually-hidden"
            multiple
            accept=".pdf,.odt,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.webp,application/pdf,image/*"
            aria-describedby={id + '-attach-hint'}
            onChange={(e) => {
              upload(e.target.files)
              e.target.value = ''
            }}
          />
        </label>
        <span id={id + '-attach-hint'} className="visually-hidden">
          {tc.attachHint}
        </span>
      </div>
      <div className="position-relative">
        <textarea
          ref={ta}
          id={id}
          name={name}
          className={'form-control composer-text' + (error ? ' is-invalid' : '')}
          rows={rows}
          value={value}
          aria-required={required ? true : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, error ? errId : ''].filter(Boolean).join(' ')}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          data-testid="composer-textarea"
          onChange={(e) => {
            onChange(e.target.value)
            onInput?.()
            updateMention(e.target)
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (!['ArrowDown', 'ArrowUp', 'Enter', 'Escape', 'Tab'].includes(e.key) || !open) updateMention(e.currentTarget)
          }}
          onClick={(e) => updateMention(e.currentTarget)}
          onBlur={() => window.setTimeout(() => setMention(null), 150)}
        />
        {open ? (
          <ul id={listId} role="listbox" aria-label={tc.mentionList} className="mention-list list-unstyled shadow">
            {suggestions.map((s, i) => (
              <li
                key={s.kind + s.handle}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={'mention-option' + (i === active ? ' active' : '')}
                onMouseDown={(e) => {
                  e.preventDefault()
                  pick(s)
                }}
              >
                <strong>@{s.handle}</strong> <span>{s.name}</span>
                {s.detail ? <small className="text-muted-accessible"> · {s.detail}</small> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="visually-hidden" aria-live="polite">
        {open ? tc.mentionCount(suggestions.length) : ''}
      </div>
      <small id={hintId} className="form-text d-block">
        {tc.hint} {t.compose.sendHint}
      </small>
      <MarkdownPreview value={value} id={id} />
      {error ? (
        <div id={errId} className="invalid-feedback d-block">
          {error}
        </div>
      ) : null}
      <ul className="list-unstyled mb-0 composer-uploads" aria-live="polite">
        {uploads.map((u) => (
          <li key={u.id} className={u.error ? 'text-danger' : ''}>
            {u.error ? <span role="alert">{u.error}</span> : u.done ? tc.uploaded(u.name) : tc.uploading(u.name, u.pct)}
            {!u.error && !u.done ? <progress className="ms-2 align-middle" max={100} value={u.pct} aria-hidden="true" /> : null}
            {u.error ? (
              <button type="button" className="btn btn-link btn-sm p-0 ms-2" onClick={() => setUploads((x) => x.filter((y) => y.id !== u.id))}>
                {t.forum.close}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <div className="composer-status small text-muted-accessible" role="status" aria-live="polite" data-testid="draft-status">
        {status}
      </div>
    </div>
  )
}
