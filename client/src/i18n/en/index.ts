import type { Translation } from '../types'
import type { Dictionary } from '../it'
import { common } from './common'
import { account } from './account'
import { admin } from './admin'
import { lists } from './lists'
import { legal } from './legal'

export const en: Translation<Dictionary> = { common, account, admin, lists, legal }
