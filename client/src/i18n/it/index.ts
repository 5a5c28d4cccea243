// One line per area. To add an area (e.g. forum): create it/forum.ts and
// en/forum.ts, then add it here and in ../en/index.ts.
import { common } from './common'
import { account } from './account'
import { admin } from './admin'
import { lists } from './lists'
import { legal } from './legal'
import { forum } from './forum'
import { compose } from './compose'
import { audit } from './audit'
import { rooms } from './rooms'
import { curation } from './curation'
import { experiences } from './experiences'
import { moderation } from './moderation'
import { compare } from './compare'

export const it = { common, account, admin, lists, legal, forum, compose, audit, rooms, curation, experiences, moderation, compare }
export type Dictionary = typeof it
