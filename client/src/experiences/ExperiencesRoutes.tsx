import { Route, Routes } from 'react-router-dom'
import NotFound from '../pages/NotFound'
import ExperienceList from './ExperienceList'
import ExperienceRoute from './ExperiencePage'
import ExperienceFormRoute from './ExperienceForm'
import '../forum/forum.css'
import './experiences.css'

/** Mounted at /esperienze/* (App.tsx). */
export default function ExperiencesRoutes() {
  return (
    <Routes>
      <Route index element={<ExperienceList />} />
      <Route path="nuova" element={<ExperienceFormRoute />} />
      <Route path=":id" element={<ExperienceRoute />} />
      <Route path=":id/modifica" element={<ExperienceFormRoute />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  )
}
