import { Route, Routes } from 'react-router-dom'
import NotFound from '../pages/NotFound'
import TablesList from './TablesList'
import TableRoute from './TablePage'
import './compare.css'

/** Mounted at /tavoli/* (App.tsx); /confronto is ./ComparePage. */
export default function TablesRoutes() {
  return (
    <Routes>
      <Route index element={<TablesList />} />
      <Route path=":id" element={<TableRoute />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  )
}
