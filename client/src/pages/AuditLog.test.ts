import { describe, expect, it } from 'vitest'
import { auditQuery, changeText } from './AuditLog'

describe('auditQuery', () => {
  const cases: [Parameters<typeof auditQuery>, string][] = [
    [[{ actor: '', action: '', from: '', to: '' }], ''],
    [[{ actor: 'u1', action: '', from: '', to: '' }], '?actor=u1'],
    [[{ actor: '', action: 'thread', from: '2026-12-01', to: '2026-12-02' }, { format: 'csv' }], '?action=thread&from=2026-12-01&to=2026-12-02&format=csv'],
    [[{ actor: 'a&b=c', action: '', from: '', to: '' }], '?actor=a%26b%3Dc'],
  ]
  it.each(cases)('auditQuery(%j) = %s', (args, want) => expect(auditQuery(...args)).toBe(want))
})

describe('changeText', () => {
  const cases: [Parameters<typeof changeText>[0], string][] = [
    [{ before: {}, after: {} }, ''],
    [{ before: { locked: false }, after: { locked: true } }, 'locked: false → true'],
    [{ before: {}, after: { name_it: 'Nuova', archived: false } }, 'archived: — → false; name_it: — → Nuova'],
    [{ before: { order: ['a', 'b'] }, after: { order: ['b', 'a'] } }, 'order: a, b → b, a'],
  ]
  it.each(cases)('changeText(%j) = %s', (e, want) => expect(changeText(e)).toBe(want))
})
