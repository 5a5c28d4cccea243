import { describe, expect, it } from 'vitest'
import { initialRoomForm, roomBody, validateRoomForm, type RoomFormValues } from './roomForm'

const msg = { name: 'N', tableId: 'T', meeting: 'M', administrations: 'A', slowMode: 'S' }
const v = (over: Partial<RoomFormValues>): RoomFormValues => ({ ...initialRoomForm, name: 'Gare', ...over })

describe('validateRoomForm', () => {
  const cases: { name: string; v: RoomFormValues; admins?: string[]; want: Record<string, string> }[] = [
    { name: 'a theme room', v: v({}), want: {} },
    { name: 'no name', v: v({ name: '  ' }), want: { name: 'N' } },
    { name: 'a table without its id', v: v({ kind: 'table' }), want: { table_id: 'T' } },
    { name: 'a meeting without its name', v: v({ kind: 'meeting' }), want: { meeting: 'M' } },
    { name: 'invited, nobody chosen', v: v({ access: 'invited' }), want: { administration_ids: 'A' } },
    { name: 'invited, one chosen', v: v({ access: 'invited' }), admins: ['a1'], want: {} },
    { name: 'slow mode not a number', v: v({ slow_mode_s: 'tanto' }), want: { slow_mode_s: 'S' } },
    { name: 'slow mode too long', v: v({ slow_mode_s: '3601' }), want: { slow_mode_s: 'S' } },
    { name: 'slow mode negative', v: v({ slow_mode_s: '-1' }), want: { slow_mode_s: 'S' } },
    { name: 'slow mode an hour', v: v({ slow_mode_s: '3600' }), want: {} },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(validateRoomForm(c.v, c.admins ?? [], msg)).toEqual(c.want)
    })
  }
})

describe('roomBody', () => {
  const cases: { name: string; v: RoomFormValues; admins: string[]; want: object }[] = [
    {
      name: 'open theme',
      v: v({ description: ' Gare in corso ', table_id: 'ignored' }),
      admins: ['a1'],
      want: { name: 'Gare', description: 'Gare in corso', kind: 'theme', access: 'open', history: 'full', presence: 'names', slow_mode_s: 0 },
    },
    {
      name: 'invited table, counts, since join, slow',
      v: v({ kind: 'table', table_id: ' pulizie ', access: 'invited', history: 'since_join', presence: 'counts', slow_mode_s: '30' }),
      admins: ['a1', 'a2'],
      want: { name: 'Gare', description: '', kind: 'table', table_id: 'pulizie', access: 'invited', administration_ids: ['a1', 'a2'], history: 'since_join', presence: 'counts', slow_mode_s: 30 },
    },
    {
      name: 'meeting',
      v: v({ kind: 'meeting', meeting: 'Incontro 3' }),
      admins: [],
      want: { name: 'Gare', description: '', kind: 'meeting', meeting: 'Incontro 3', access: 'open', history: 'full', presence: 'names', slow_mode_s: 0 },
    },
  ]
  for (const c of cases) it(c.name, () => expect(roomBody(c.v, c.admins)).toEqual(c.want))
})
