// The table's name and description as the edit dialog checks them before
// sending (the server stays the authority: name 1–120 characters once
// trimmed, description up to 2000).
import type { Errors } from '../components/forms'

export interface TableText {
  name: string
  description: string
}

export const NAME_MAX = 120
export const DESCRIPTION_MAX = 2000

export function validateTableText(v: TableText, tc: { nameRequired: string; nameTooLong: string; descriptionTooLong: string }): Errors {
  const e: Errors = {}
  const name = v.name.trim()
  if (!name) e.name = tc.nameRequired
  else if ([...name].length > NAME_MAX) e.name = tc.nameTooLong
  if ([...v.description.trim()].length > DESCRIPTION_MAX) e.description = tc.descriptionTooLong
  return e
}

/** What PATCH sends: trimmed. */
export function tableTextPatch(v: TableText): TableText {
  return { name: v.name.trim(), description: v.description.trim() }
}
