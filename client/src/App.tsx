import { lazy, Suspense, useEffect } from 'react'
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom'
import { I18nProvider } from './i18n'
import { SessionProvider, useSession } from './session/SessionContext'
import { isActive } from './api/types'
import { Layout } from './components/Layout'
import { AnonymousOnly, RequireActive, RequireAdmin, RequireModerator, RequireUser } from './components/guards'
import { Loading } from './components/Page'
import Home from './pages/Home'
import Login from './pages/Login'
import Enrol from './pages/Enrol'
import Waiting from './pages/Waiting'
import Invitation from './pages/Invitation'
import ForgotPassword from './pages/ForgotPassword'
import ResetPassword from './pages/ResetPassword'
import Profile from './pages/Profile'
import NotFound from './pages/NotFound'
import { Accessibility, Privacy } from './pages/Legal'
import { startDrain } from './rooms/drain'

const Admin = lazy(() => import('./pages/Admin'))
const Forum = lazy(() => import('./forum/ForumRoutes'))
const ForumSearch = lazy(() => import('./forum/Search'))
const ForumNotifications = lazy(() => import('./forum/Notifications'))
const Mentioned = lazy(() => import('./forum/Mentioned'))
const Rooms = lazy(() => import('./rooms/RoomsRoutes'))
const UserModeration = lazy(() => import('./pages/UserModeration'))
const Experiences = lazy(() => import('./experiences/ExperiencesRoutes'))
const Moderation = lazy(() => import('./moderation/ModerationPage'))
const Compare = lazy(() => import('./compare/ComparePage'))
const Tables = lazy(() => import('./compare/TablesRoutes'))

/** Paths a logged-in user whose administration is not approved may still see. */
const OPEN_TO_PENDING = ['/attesa', '/profilo', '/privacy', '/accessibilita']

/** Sends pending/rejected users to the waiting page wherever they go. */
function PendingGate({ children }: { children: React.ReactNode }) {
  const { user } = useSession()
  const { pathname } = useLocation()
  if (user && !isActive(user) && !OPEN_TO_PENDING.includes(pathname)) return <Navigate to="/attesa" replace />
  return <>{children}</>
}

/** Messages left in the outbox of a room the user is not in go when the connection returns. */
function RoomOutboxes() {
  const { user } = useSession()
  const uid = user && isActive(user) ? user.id : ''
  useEffect(() => (uid ? startDrain(uid) : undefined), [uid])
  return null
}

/**
 * Routes. Feature areas add theirs here, e.g. the forum:
 *   <Route path="/forum/*" element={<RequireActive><Forum /></RequireActive>} />
 * with `const Forum = lazy(() => import('./forum/ForumRoutes'))`.
 */
function AppRoutes() {
  return (
    <PendingGate>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<AnonymousOnly><Login /></AnonymousOnly>} />
          <Route path="/iscrizione" element={<AnonymousOnly><Enrol /></AnonymousOnly>} />
          <Route path="/attesa" element={<RequireUser><Waiting /></RequireUser>} />
          <Route path="/invito/:token" element={<AnonymousOnly><Invitation /></AnonymousOnly>} />
          {/* The server's invitation links use /invite/<token>. */}
          <Route path="/invite/:token" element={<AnonymousOnly><Invitation /></AnonymousOnly>} />
          <Route path="/password-dimenticata" element={<ForgotPassword />} />
          <Route path="/reset/:token" element={<ResetPassword />} />
          <Route path="/profilo" element={<RequireUser><Profile /></RequireUser>} />
          <Route path="/admin" element={<RequireAdmin><Admin /></RequireAdmin>} />
          <Route path="/forum/*" element={<RequireActive><Forum /></RequireActive>} />
          <Route path="/stanze/*" element={<RequireActive><Rooms /></RequireActive>} />
          <Route path="/moderazione/utenti/:id" element={<RequireActive><UserModeration /></RequireActive>} />
          <Route path="/esperienze/*" element={<RequireActive><Experiences /></RequireActive>} />
          <Route path="/moderazione" element={<RequireModerator><Moderation /></RequireModerator>} />
          <Route path="/confronto" element={<RequireActive><Compare /></RequireActive>} />
          <Route path="/tavoli/*" element={<RequireActive><Tables /></RequireActive>} />
          <Route path="/cerca" element={<RequireActive><ForumSearch /></RequireActive>} />
          <Route path="/notifiche" element={<RequireActive><ForumNotifications /></RequireActive>} />
          <Route path="/users/:handle" element={<RequireActive><Mentioned kind="user" /></RequireActive>} />
          <Route path="/administrations/:handle" element={<RequireActive><Mentioned kind="administration" /></RequireActive>} />
          <Route path="/accessibilita" element={<Accessibility />} />
          <Route path="/privacy" element={<Privacy />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </PendingGate>
  )
}

export default function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <Layout>
            <RoomOutboxes />
            <AppRoutes />
          </Layout>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  )
}
