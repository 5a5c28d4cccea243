// What the reader reads stays where it is across a live refresh: before
// new data renders, note the first element marked data-anchor (a row
// header, a field, a panel) still on screen and where it is; after, scroll
// by however far it moved.

export interface Anchor {
  id: string
  top: number
}

/** The first [data-anchor] whose bottom is below the top of the window, and where it is. */
export function captureAnchor(): Anchor | null {
  for (const el of document.querySelectorAll<HTMLElement>('[data-anchor]')) {
    const r = el.getBoundingClientRect()
    if (r.bottom > 0) return { id: el.dataset.anchor ?? '', top: r.top }
  }
  return null
}

/** Scrolls so that the anchor is where it was (nothing if it is gone). */
export function restoreAnchor(a: Anchor | null) {
  if (!a) return
  const el = document.querySelector<HTMLElement>(`[data-anchor="${CSS.escape(a.id)}"]`)
  if (!el) return
  const dy = el.getBoundingClientRect().top - a.top
  if (Math.abs(dy) >= 1) window.scrollBy(0, dy)
}
