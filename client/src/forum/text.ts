// Pure text helpers of the forum (tested in text.test.ts).

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c])
}

/**
 * A search snippet from the server ("escaped text with <mark>") made safe
 * whatever it holds: entities are decoded, everything is escaped again, and
 * only <mark> and </mark> come back as tags.
 */
export function safeSnippet(html: string): string {
  const parts = html.split(/(<mark>|<\/mark>)/i)
  let open = 0
  let out = ''
  for (const p of parts) {
    const low = p.toLowerCase()
    if (low === '<mark>') {
      if (open === 0) out += '<mark>'
      open++
    } else if (low === '</mark>') {
      if (open > 0) {
        open--
        if (open === 0) out += '</mark>'
      }
    } else {
      out += escapeHtml(decodeEntities(p.replace(/<[^>]*>/g, '')))
    }
  }
  if (open > 0) out += '</mark>'
  return out
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (_m, e: string) => {
    const l = e.toLowerCase()
    if (l === 'amp') return '&'
    if (l === 'lt') return '<'
    if (l === 'gt') return '>'
    if (l === 'quot') return '"'
    if (l === 'apos') return "'"
    const code = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10)
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ''
  })
}

/** Markdown quote of `text` by `author`, ready to insert in a reply. */
export function quoteMarkdown(text: string, wrote: string): string {
  const body = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((l) => (l ? '> ' + l : '>'))
    .join('\n')
  return `> ${wrote}\n>\n${body}\n\n`
}

/** Appends a block to a composer's text with a blank line between. */
export function appendBlock(value: string, block: string): string {
  if (!value.trim()) return block
  return value.replace(/\s*$/, '') + '\n\n' + block
}

/** The `@word` being typed at the caret: where it starts (the @) and the query. */
export function mentionAt(value: string, caret: number): { start: number; query: string } | null {
  const before = value.slice(0, caret)
  const m = /(^|[\s(>])@([\p{L}\p{N}_.-]{0,30})$/u.exec(before)
  if (!m) return null
  return { start: caret - m[2].length - 1, query: m[2] }
}

/** Replaces the `@query` from `start` to `caret` with `@handle `. */
export function applyMention(value: string, start: number, caret: number, handle: string): { value: string; caret: number } {
  const ins = '@' + handle + ' '
  return { value: value.slice(0, start) + ins + value.slice(caret), caret: start + ins.length }
}

export type Format = 'bold' | 'italic' | 'link' | 'list' | 'quote'

/** Applies a toolbar format to the selection [s, e). */
export function applyFormat(value: string, s: number, e: number, kind: Format): { value: string; start: number; end: number } {
  const sel = value.slice(s, e)
  const wrap = (l: string, r: string, placeholder: string) => {
    const inner = sel || placeholder
    return { value: value.slice(0, s) + l + inner + r + value.slice(e), start: s + l.length, end: s + l.length + inner.length }
  }
  switch (kind) {
    case 'bold':
      return wrap('**', '**', 'testo')
    case 'italic':
      return wrap('_', '_', 'testo')
    case 'link': {
      const inner = sel || 'testo'
      const v = value.slice(0, s) + '[' + inner + '](https://)' + value.slice(e)
      const urlStart = s + inner.length + 3
      return { value: v, start: urlStart, end: urlStart + 8 }
    }
    case 'list':
    case 'quote': {
      const prefix = kind === 'list' ? '- ' : '> '
      const lineStart = value.lastIndexOf('\n', s - 1) + 1
      const block = value.slice(lineStart, e) || ''
      const lines = block.split('\n').map((l) => prefix + l)
      const repl = lines.join('\n')
      const v = value.slice(0, lineStart) + repl + value.slice(e)
      return { value: v, start: lineStart, end: lineStart + repl.length }
    }
  }
}

/** Tags typed as "a, b, c": trimmed, empty ones dropped, duplicates removed. */
export function parseTags(s: string): string[] {
  const out: string[] = []
  for (const raw of s.split(',')) {
    const t = raw.trim()
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

export interface DraftCopy {
  body: string
  updatedAt: number // ms since the epoch
}

/** The draft to restore: the newer of the local and the server copy (non-empty wins ties). */
export function pickDraft(local: DraftCopy | null, server: DraftCopy | null): DraftCopy | null {
  if (!local) return server
  if (!server) return local
  if (server.updatedAt > local.updatedAt) return server
  if (local.updatedAt > server.updatedAt) return local
  return server.body ? server : local
}

/** Number of pages of `total` items, at least 1. */
export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, perPage)))
}

/** Inserts or replaces an item by id keeping pinned first, then newest activity; the rest stays put. */
export function mergeThread<T extends { id: string; pinned: boolean; last_activity_at: string }>(list: T[], item: T): T[] {
  const rest = list.filter((x) => x.id !== item.id)
  let i = 0
  while (i < rest.length) {
    const x = rest[i]
    if (item.pinned && !x.pinned) break
    if (item.pinned === x.pinned && x.last_activity_at <= item.last_activity_at) break
    i++
  }
  return [...rest.slice(0, i), item, ...rest.slice(i)]
}
