// What the room page lets the reader do with the composer, from the room
// as last read and what the live connection said.
import type { Room } from './api'

/**
 * 'write': the composer; 'revoked': the composer shown but disabled (what
 * is being typed stays) and the outbox paused (kept, not sent), because
 * the reader lost access to the room while on it; 'read': no composer
 * (archived, muted, not allowed to send), with the room's own notice.
 */
export type ComposerMode = 'write' | 'read' | 'revoked'

export function composerMode(room: Pick<Room, 'archived' | 'me'>, revoked: boolean, now: number): ComposerMode {
  if (revoked) return 'revoked'
  const muted = !!room.me.muted_until && Date.parse(room.me.muted_until) > now
  return !room.archived && room.me.can_send && !muted ? 'write' : 'read'
}

/** Whether the server's end of a room subscription (an `unsubscribed` frame's code) means access was taken away. */
export function isRevocation(code: string): boolean {
  return code === 'forbidden' || code === 'not_found'
}
