import { StrictMode, startTransition } from 'react'
import { createRoot } from 'react-dom/client'
import 'bootstrap-italia/dist/css/bootstrap-italia.min.css'
import './styles/fonts.css'
import './styles/app.css'
import App from './App'
import { api, requestEarly } from './api/client'
import { forumApi } from './forum/api'
import { pageParam, viewParam } from './forum/pageParam'

// What the first screen needs travels at once, in parallel: the session,
// the page's chunk and its data. Otherwise each waits for the one before
// (the guards wait for the session, the page's code for its chunk), and on
// a slow link each step costs a round trip.
const { pathname, search } = window.location
requestEarly(() => api.get('/session'))
const thread = /^\/forum\/t\/([^/]+)$/.exec(pathname)
const category = /^\/forum\/c\/([^/]+)$/.exec(pathname)
if (pathname.startsWith('/forum')) void import('./forum/ForumRoutes')
else if (pathname === '/cerca') void import('./forum/Search')
else if (pathname.startsWith('/esperienze')) {
  void import('./experiences/ExperiencesRoutes')
  requestEarly(() => api.get('/experiences/schema'))
}
try {
  if (thread) {
    requestEarly(() => forumApi.thread(decodeURIComponent(thread[1]), viewParam(search), pageParam(search)))
  } else if (category) {
    requestEarly(() => forumApi.categoryThreads(decodeURIComponent(category[1]), pageParam(search)))
  }
} catch {
  // A malformed %-escape: the page itself will say so.
}

// A transition renders in slices that yield to the browser: on a slow phone
// the first render is not one long task that blocks input.
const root = createRoot(document.getElementById('root')!)
startTransition(() => {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
})
