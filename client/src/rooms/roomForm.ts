// The new-room form's values and the request they make (pure; see roomForm.test.ts).
import type { NewRoom, RoomAccess, RoomHistory, RoomKind, RoomPresence } from './api'

export type RoomFormValues = {
  name: string
  description: string
  kind: string
  table_id: string
  meeting: string
  access: string
  history: string
  presence: string
  slow_mode_s: string
}

export const initialRoomForm: RoomFormValues = { name: '', description: '', kind: 'theme', table_id: '', meeting: '', access: 'open', history: 'full', presence: 'names', slow_mode_s: '0' }

/** The request body for the form's values (validated first by validate). */
export function roomBody(v: RoomFormValues, administrationIds: string[]): NewRoom {
  const b: NewRoom = {
    name: v.name.trim(),
    description: v.description.trim(),
    kind: v.kind as RoomKind,
    access: v.access as RoomAccess,
    history: v.history as RoomHistory,
    presence: v.presence as RoomPresence,
    slow_mode_s: Number(v.slow_mode_s),
  }
  if (b.kind === 'table') b.table_id = v.table_id.trim()
  if (b.kind === 'meeting') b.meeting = v.meeting.trim()
  if (b.access === 'invited') b.administration_ids = administrationIds
  return b
}


/** The form's errors by field (messages from the dictionary's rooms.form.errors). */
export function validateRoomForm(
  v: RoomFormValues,
  administrationIds: string[],
  msg: { name: string; tableId: string; meeting: string; administrations: string; slowMode: string },
): Record<string, string> {
  const e: Record<string, string> = {}
  if (!v.name.trim()) e.name = msg.name
  if (v.kind === 'table' && !v.table_id.trim()) e.table_id = msg.tableId
  if (v.kind === 'meeting' && !v.meeting.trim()) e.meeting = msg.meeting
  if (v.access === 'invited' && administrationIds.length === 0) e.administration_ids = msg.administrations
  const s = Number(v.slow_mode_s)
  if (!/^\d+$/.test(v.slow_mode_s.trim()) || s < 0 || s > 3600) e.slow_mode_s = msg.slowMode
  return e
}
