import { describe, expect, it } from 'vitest'
import { applyFormat, applyMention, appendBlock, mentionAt, mergeThread, pageCount, parseTags, pickDraft, quoteMarkdown, safeSnippet } from './text'

describe('safeSnippet', () => {
  it('keeps mark and escapes the rest', () => {
    expect(safeSnippet('a <mark>città</mark> &amp; b')).toBe('a <mark>città</mark> &amp; b')
    expect(safeSnippet('<img src=x onerror=alert(1)><mark>x</mark>')).toBe('<mark>x</mark>')
    expect(safeSnippet('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(safeSnippet('<mark onclick="x">a</mark>')).toBe('a')
    expect(safeSnippet('<mark>open')).toBe('<mark>open</mark>')
    expect(safeSnippet('</mark>x<MARK>y</MARK>')).toBe('x<mark>y</mark>')
  })
})

describe('quote', () => {
  it('quotes every line with the author', () => {
    expect(quoteMarkdown('uno\ndue\n', 'Anna ha scritto:')).toBe('> Anna ha scritto:\n>\n> uno\n> due\n\n')
    expect(appendBlock('', 'x')).toBe('x')
    expect(appendBlock('ciao  \n', 'x')).toBe('ciao\n\nx')
  })
})

describe('mentions', () => {
  it('finds the @word at the caret', () => {
    expect(mentionAt('ciao @ma', 8)).toEqual({ start: 5, query: 'ma' })
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionAt('mail a@b', 8)).toBeNull()
    expect(mentionAt('ciao @ma rio', 12)).toBeNull()
    expect(applyMention('ciao @ma!', 5, 8, 'mario.rossi')).toEqual({ value: 'ciao @mario.rossi !', caret: 18 })
  })
})

describe('format', () => {
  it('wraps and prefixes', () => {
    expect(applyFormat('a b c', 2, 3, 'bold')).toEqual({ value: 'a **b** c', start: 4, end: 5 })
    expect(applyFormat('uno\ndue', 0, 7, 'list').value).toBe('- uno\n- due')
    expect(applyFormat('x', 1, 1, 'quote').value).toBe('> x')
    expect(applyFormat('vai', 0, 3, 'link').value).toBe('[vai](https://)')
  })
})

describe('misc', () => {
  it('tags, drafts, pages, merge', () => {
    expect(parseTags(' a, b ,,a, c ')).toEqual(['a', 'b', 'c'])
    expect(pickDraft({ body: 'l', updatedAt: 2 }, { body: 's', updatedAt: 1 })?.body).toBe('l')
    expect(pickDraft({ body: 'l', updatedAt: 1 }, { body: 's', updatedAt: 2 })?.body).toBe('s')
    expect(pickDraft(null, null)).toBeNull()
    expect(pageCount(0, 20)).toBe(1)
    expect(pageCount(41, 20)).toBe(3)
    const l = [
      { id: 'p', pinned: true, last_activity_at: '2026-01-01' },
      { id: 'a', pinned: false, last_activity_at: '2026-01-03' },
      { id: 'b', pinned: false, last_activity_at: '2026-01-02' },
    ]
    expect(mergeThread(l, { id: 'b', pinned: false, last_activity_at: '2026-01-04' }).map((x) => x.id)).toEqual(['p', 'b', 'a'])
    expect(mergeThread(l, { id: 'n', pinned: false, last_activity_at: '2025-01-01' }).map((x) => x.id)).toEqual(['p', 'a', 'b', 'n'])
  })
})
