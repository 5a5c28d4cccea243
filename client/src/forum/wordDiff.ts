/** One run of a word diff: text kept, inserted or deleted. */
export interface DiffPart {
  kind: 'same' | 'ins' | 'del'
  text: string
}

/** Past this many token pairs the middle is shown as replaced whole, not aligned word by word. */
const MAX_CELLS = 4_000_000

/** Words and the whitespace between them, so joining the tokens gives the text back. */
function tokens(s: string): string[] {
  return s.split(/(\s+)/).filter((x) => x !== '')
}

/**
 * wordDiff says how `after` differs from `before`, word by word: a longest
 * common subsequence of words and spaces, after trimming the common start
 * and end. Adjacent runs of one kind are merged; joining the 'same' and
 * 'del' parts gives `before`, the 'same' and 'ins' parts give `after`.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before)
  const b = tokens(after)
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const am = a.slice(pre, a.length - suf)
  const bm = b.slice(pre, b.length - suf)
  const parts: DiffPart[] = []
  const push = (kind: DiffPart['kind'], text: string) => {
    if (!text) return
    const last = parts[parts.length - 1]
    if (last && last.kind === kind) last.text += text
    else parts.push({ kind, text })
  }
  push('same', a.slice(0, pre).join(''))
  if (am.length * bm.length > MAX_CELLS) {
    push('del', am.join(''))
    push('ins', bm.join(''))
  } else {
    // lcs[i][j]: common length of am[i:] and bm[j:].
    const w = bm.length + 1
    const lcs = new Uint32Array((am.length + 1) * w)
    for (let i = am.length - 1; i >= 0; i--) {
      for (let j = bm.length - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1])
      }
    }
    let i = 0
    let j = 0
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        push('same', am[i++])
        j++
      } else if (i < am.length && (j === bm.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        push('del', am[i++]) // deletions first: "old new" reads as a replacement
      } else {
        push('ins', bm[j++])
      }
    }
  }
  push('same', a.slice(a.length - suf).join(''))
  return parts
}
