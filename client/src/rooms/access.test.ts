import { describe, expect, it } from 'vitest'
import { composerMode, isRevocation } from './access'
import type { Room } from './api'

const now = Date.parse('2026-12-02T10:00:00Z')
const me = (over: Partial<Room['me']> = {}): Room['me'] => ({ member: true, read_seq: 0, unread: 0, can_moderate: false, can_send: true, ...over })

describe('composerMode', () => {
  const cases: [string, Pick<Room, 'archived' | 'me'>, boolean, string][] = [
    ['a member who may send', { archived: false, me: me() }, false, 'write'],
    ['access revoked', { archived: false, me: me() }, true, 'revoked'],
    ['access revoked in an archived room', { archived: true, me: me() }, true, 'revoked'],
    ['archived', { archived: true, me: me() }, false, 'read'],
    ['muted until later', { archived: false, me: me({ muted_until: '2026-12-02T10:05:00Z' }) }, false, 'read'],
    ['a mute that ran out', { archived: false, me: me({ muted_until: '2026-12-02T09:55:00Z' }) }, false, 'write'],
    ['not allowed to send', { archived: false, me: me({ can_send: false }) }, false, 'read'],
  ]
  it.each(cases)('%s: got %j, revoked %s → %s', (_, room, revoked, want) => expect(composerMode(room, revoked, now)).toBe(want))
})

describe('isRevocation', () => {
  const cases: [string, boolean][] = [
    ['forbidden', true],
    ['not_found', true],
    ['unknown_topic', false],
    ['rate_limited', false],
    ['', false],
  ]
  it.each(cases)('%s → %s', (code, want) => expect(isRevocation(code)).toBe(want))
})
