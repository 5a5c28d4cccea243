// Shapes of the API that the client names; see ./schema.d.ts for all of them.
import type { components, paths } from './schema'

export type Role = components['schemas']['Role']
export type AdminStatus = components['schemas']['AdministrationStatus']

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

// The shapes come from the API's contract (server/internal/web/openapi/openapi.yaml),
// generated into ./schema.d.ts by `make api-types`.
type Schemas = components['schemas']

export type User = Schemas['User']
export type Administration = Schemas['Administration']
export type SessionInfo = Schemas['Session']

export interface Paged<T> {
  items: T[]
  page: number
  per_page: number
  total: number
}

export type Invitation = NonNullable<paths['/invitations']['post']['responses'][201]['content']['application/json']>
export type InvitationInfo = paths['/invitations/{token}']['get']['responses'][200]['content']['application/json']

/** A user who may use the board (forum, realtime): not suspended, and an admin or approved. */
export function isActive(u: User | null | undefined): boolean {
  return !!u && !u.suspended && (u.role === 'admin' || u.administration_status === 'approved')
}
