import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'
import { isActive } from '../api/types'
import { useSession } from '../session/SessionContext'
import { Loading } from './Page'

/** Logged-in users only (pending ones included). */
export function RequireUser({ children }: { children: ReactNode }) {
  const { loaded, user } = useSession()
  const location = useLocation()
  if (!loaded) return <Loading />
  if (!user) return <Navigate to={'/login?next=' + encodeURIComponent(location.pathname + location.search)} replace />
  return <>{children}</>
}

/** Active users (administration approved, not suspended). */
export function RequireActive({ children }: { children: ReactNode }) {
  const { loaded, user } = useSession()
  const location = useLocation()
  if (!loaded) return <Loading />
  if (!user) return <Navigate to={'/login?next=' + encodeURIComponent(location.pathname + location.search)} replace />
  if (!isActive(user)) return <Navigate to="/attesa" replace />
  return <>{children}</>
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { user } = useSession()
  return (
    <RequireActive>
      {user?.role === 'admin' ? children : <Navigate to="/" replace />}
    </RequireActive>
  )
}

/** Moderators and admins (the moderation area). */
export function RequireModerator({ children }: { children: ReactNode }) {
  const { user } = useSession()
  return <RequireActive>{isModerator(user) ? children : <Navigate to="/" replace />}</RequireActive>
}

/** Whether the user moderates (moderators and admins). */
export function isModerator(user: { role: string } | null | undefined): boolean {
  return user?.role === 'moderator' || user?.role === 'admin'
}

/** Only for visitors who are not logged in (login, enrolment…). */
export function AnonymousOnly({ children }: { children: ReactNode }) {
  const { loaded, user } = useSession()
  if (!loaded) return <Loading />
  if (user) return <Navigate to={isActive(user) ? '/' : '/attesa'} replace />
  return <>{children}</>
}
