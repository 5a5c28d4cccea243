// Typing indicators (transient `typing` events on room:<id>): sent at most
// once per TYPING_EVERY_MS, shown for TYPING_SHOWN_MS after the last one.
export const TYPING_EVERY_MS = 3000
export const TYPING_SHOWN_MS = 6000

/**
 * The names of who is typing now, sorted; [] when someone is but no name is
 * known; null when nobody is.
 */
export function typingNames(typers: Record<string, number>, names: Map<string, string>, now: number): string[] | null {
  const ids = Object.entries(typers)
    .filter(([, until]) => until > now)
    .map(([id]) => id)
  if (ids.length === 0) return null
  const known = ids.map((id) => names.get(id)).filter((n): n is string => !!n)
  return known.sort((a, b) => a.localeCompare(b))
}
