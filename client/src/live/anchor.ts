// What the reader reads stays where it is across a live refresh: before
// new data renders, note the first element marked data-anchor (a row
// header, a field, a panel) still on screen and where it is; after, scroll
// by however far it moved.

/** Scrolls by dy at once: the page's smooth scrolling would show the jump the anchor hides. */
function scrollByNow(dy: number) {
  if (Math.abs(dy) >= 1) window.scrollBy({ top: dy, behavior: 'instant' })
}

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
  scrollByNow(dy)
}

/** A text field being typed in, and where it was on screen. */
export interface FieldAnchor {
  el: HTMLElement
  top: number
}

/**
 * The focused text field if it is on screen. Someone typing keeps looking
 * at it, so across a live insert it is what stays put, as CSS scroll
 * anchoring's "priority candidate" would have it: a reply arriving above
 * the reply box must not push the box (and the words being typed) off the
 * screen.
 */
export function captureFocusedField(): FieldAnchor | null {
  const el = document.activeElement
  if (!(el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement || (el instanceof HTMLElement && el.isContentEditable))) return null
  const { top } = el.getBoundingClientRect()
  return top >= 0 && top < window.innerHeight ? { el, top } : null
}

/** Scrolls so that the field is where it was (nothing if it left the page). */
export function restoreFocusedField(a: FieldAnchor | null) {
  if (!a || !a.el.isConnected) return
  const dy = a.el.getBoundingClientRect().top - a.top
  scrollByNow(dy)
}
