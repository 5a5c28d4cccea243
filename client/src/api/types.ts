// Shapes of docs/api.md. Keep in sync with the contract.
export type Role = 'participant' | 'moderator' | 'admin'
export type AdminStatus = 'pending' | 'approved' | 'rejected'

export const CATEGORIES = [
  'comune', 'unione_comuni', 'comunita_montana', 'provincia', 'citta_metropolitana', 'regione', 'asl',
  'azienda_ospedaliera', 'universita', 'camera_commercio', 'ministero', 'ente_ricerca', 'ente_nazionale', 'altro',
] as const
export type Category = (typeof CATEGORIES)[number]

export const REGIONS = [
  'abruzzo', 'basilicata', 'calabria', 'campania', 'emilia_romagna', 'friuli_venezia_giulia', 'lazio', 'liguria',
  'lombardia', 'marche', 'molise', 'piemonte', 'puglia', 'sardegna', 'sicilia', 'toscana', 'trentino_alto_adige',
  'umbria', 'valle_d_aosta', 'veneto', 'nazionale',
] as const
export type Region = (typeof REGIONS)[number]

export interface User {
  id: string
  email: string
  name: string
  role: Role
  administration_id: string
  administration_ipa: string
  administration_name: string
  administration_status: AdminStatus
  referente: boolean
  /** For @mentions. */
  handle?: string
  /** Not in the contract yet: the reason when the administration was rejected. */
  administration_rejection_reason?: string
  lang: 'it' | 'en'
  suspended: boolean
  created_at: string
}

export interface Administration {
  id: string
  codice_ipa: string
  name: string
  category: Category
  region: Region
  status: AdminStatus
  referente_id: string
  referente_name: string
  referente_email: string
  created_at: string
  decided_at?: string | null
  rejection_reason?: string | null
}

export interface SessionInfo {
  user: User | null
  csrf_token: string
  enrolment: { open: boolean; deadline: string | null }
}

export interface Paged<T> {
  items: T[]
  page: number
  per_page: number
  total: number
}

export interface Invitation {
  token: string
  url: string
  expires_at: string
}

export interface InvitationInfo {
  administration_name: string
  email: string
  expires_at: string
}

/** A user who may use the board (forum, realtime): not suspended, and an admin or approved. */
export function isActive(u: User | null | undefined): boolean {
  return !!u && !u.suspended && (u.role === 'admin' || u.administration_status === 'approved')
}
