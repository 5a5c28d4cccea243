import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { it, type Dictionary } from './it'
import { en } from './en'
import type { Lang, Translation } from './types'
import { formatDate, formatDateTime } from './format'

export type { Lang } from './types'
export { formatDate, formatDateTime, formatEuro, formatNumber } from './format'

export type T = Translation<Dictionary>
const dictionaries: Record<Lang, T> = { it, en }

const COOKIE = 'tavolo_lang'

export function readLangCookie(): Lang | null {
  const m = document.cookie.match(/(?:^|;\s*)tavolo_lang=(it|en)(?:;|$)/)
  return m ? (m[1] as Lang) : null
}

function writeLangCookie(lang: Lang) {
  const secure = location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`
}

interface I18n {
  lang: Lang
  t: T
  /** Changes the language for this browser (cookie + <html lang>). */
  setLang: (lang: Lang) => void
  date: (v: string | null | undefined) => string
  dateTime: (v: string | null | undefined) => string
}

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const saved = readLangCookie()
    const l = saved ?? 'it'
    // Italian first: the server answers in the cookie's language, not the browser's.
    if (!saved) writeLangCookie(l)
    document.documentElement.lang = l
    return l
  })
  const setLang = useCallback((l: Lang) => {
    writeLangCookie(l)
    document.documentElement.lang = l
    setLangState(l)
  }, [])
  const value = useMemo<I18n>(
    () => ({
      lang,
      t: dictionaries[lang],
      setLang,
      date: (v) => formatDate(v, lang),
      dateTime: (v) => formatDateTime(v, lang),
    }),
    [lang, setLang],
  )
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext)
  if (!ctx) throw new Error('useI18n outside I18nProvider')
  return ctx
}

/** The dictionary of the current language: `const t = useT(); t.common.login` */
export function useT(): T {
  return useI18n().t
}
