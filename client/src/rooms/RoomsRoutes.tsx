import { Route, Routes } from 'react-router-dom'
import NotFound from '../pages/NotFound'
import { useSession } from '../session/SessionContext'
import RoomList from './RoomList'
import RoomRoute from './RoomPage'
import NewRoom from './NewRoom'
import '../forum/forum.css'
import './rooms.css'

/** Mounted at /stanze/* (App.tsx). */
export default function RoomsRoutes() {
  const { user } = useSession()
  const moderator = user?.role === 'moderator' || user?.role === 'admin'
  return (
    <Routes>
      <Route index element={<RoomList />} />
      <Route path="nuova" element={moderator ? <NewRoom /> : <NotFound />} />
      <Route path=":id" element={<RoomRoute />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  )
}
