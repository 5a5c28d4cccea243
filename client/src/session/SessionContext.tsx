import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { ApiError, api, onAuthError, setCsrfToken } from '../api/client'
import { isActive, type SessionInfo, type User } from '../api/types'
import { useI18n } from '../i18n'
import { realtime, setSessionHooks } from '../realtime/socket'

interface SessionCtx {
  /** null until the first GET /session answered. */
  loaded: boolean
  user: User | null
  enrolment: SessionInfo['enrolment']
  /** Re-read GET /session (after login, logout, enrolment, invitation…). */
  refresh: () => Promise<User | null>
  /** Replace the user with one the API just returned (PATCH /me…). */
  setUser: (u: User | null) => void
  logout: () => Promise<void>
  /** Why the user was logged out or refused at login: a suspension, with its reason and end. */
  suspension: Suspension | null
}

export interface Suspension {
  reason: string
  until: string | null
}

const Ctx = createContext<SessionCtx | null>(null)

export function SessionProvider({ children }: { children: ReactNode }) {
  const { setLang, lang } = useI18n()
  const [loaded, setLoaded] = useState(false)
  const [user, setUserState] = useState<User | null>(null)
  const [enrolment, setEnrolment] = useState<SessionInfo['enrolment']>({ open: false, deadline: null })
  const [suspension, setSuspension] = useState<Suspension | null>(null)
  const langRef = useRef(lang)
  langRef.current = lang

  const setUser = useCallback(
    (u: User | null) => {
      setUserState(u)
      if (u && (u.lang === 'it' || u.lang === 'en') && u.lang !== langRef.current) setLang(u.lang)
    },
    [setLang],
  )

  const refresh = useCallback(async () => {
    try {
      let s: SessionInfo
      try {
        s = await api.get<SessionInfo>('/session')
      } catch (err) {
        // The session a suspension ended says so once (its cookie is gone
        // with that answer): keep why, then read the session anew.
        if (!(err instanceof ApiError) || err.code !== 'account_suspended') throw err
        s = await api.get<SessionInfo>('/session')
      }
      setCsrfToken(s.csrf_token)
      // Rendered in slices (a transition): the first screen's render does
      // not block input on a slow phone.
      startTransition(() => {
        setEnrolment(s.enrolment ?? { open: false, deadline: null })
        setUser(s.user)
      })
      return s.user
    } catch {
      // The server is unreachable: keep what we have and show the shell.
      return null
    } finally {
      startTransition(() => setLoaded(true))
    }
  }, [setUser])

  const logout = useCallback(async () => {
    try {
      await api.delete('/session')
    } finally {
      realtime.stop()
      await refresh()
    }
  }, [refresh])

  useEffect(() => {
    void refresh()
    setSessionHooks(
      () => void refresh(),
      () => void refresh(),
    )
    return onAuthError((err) => {
      if (err.code === 'account_suspended') setSuspension({ reason: err.reason ?? '', until: err.until ?? null })
      void refresh()
    })
  }, [refresh])

  // One socket while an active user is logged in; a new one for a new user.
  const activeId = user && isActive(user) ? user.id : null
  useEffect(() => {
    if (!activeId) {
      realtime.stop()
      return
    }
    realtime.restart()
    return () => realtime.stop()
  }, [activeId])

  // A user who logs in again is no longer told of a suspension.
  useEffect(() => {
    if (user && !user.suspended) setSuspension(null)
  }, [user])

  const value = useMemo(
    () => ({ loaded, user, enrolment, refresh, setUser, logout, suspension }),
    [loaded, user, enrolment, refresh, setUser, logout, suspension],
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useSession(): SessionCtx {
  const c = useContext(Ctx)
  if (!c) throw new Error('useSession outside SessionProvider')
  return c
}
