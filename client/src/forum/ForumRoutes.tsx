import { Route, Routes } from 'react-router-dom'
import NotFound from '../pages/NotFound'
import Categories from './Categories'
import CategoryRoute from './CategoryThreads'
import NewThread from './NewThread'
import ThreadRoute from './ThreadPage'
import PostRedirect from './PostRedirect'
import './forum.css'

/** Mounted at /forum/* (App.tsx). */
export default function ForumRoutes() {
  return (
    <Routes>
      <Route index element={<Categories />} />
      <Route path="c/:id" element={<CategoryRoute />} />
      <Route path="nuova" element={<NewThread />} />
      <Route path="t/:id" element={<ThreadRoute />} />
      <Route path="p/:postId" element={<PostRedirect />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  )
}
