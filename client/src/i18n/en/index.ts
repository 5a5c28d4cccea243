import type { Translation } from '../types'
import type { Dictionary } from '../it'
import { common } from './common'
import { account } from './account'
import { admin } from './admin'
import { lists } from './lists'
import { legal } from './legal'
import { forum } from './forum'
import { compose } from './compose'
import { audit } from './audit'
import { rooms } from './rooms'
import { compare } from './compare'

export const en: Translation<Dictionary> = { common, account, admin, lists, legal, forum, compose, audit, rooms, compare }
