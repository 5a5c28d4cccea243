import { useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router-dom'
import { useT } from '../i18n'
import { Loading } from '../components/Page'
import { forumApi } from './api'
import { ErrorAlert } from './common'

/** /forum/p/:postId → the tree page of its thread that holds it. */
export default function PostRedirect() {
  const { postId = '' } = useParams()
  const navigate = useNavigate()
  const t = useT()
  const [err, setErr] = useState('')
  useEffect(() => {
    forumApi.post(postId).then(
      (r) => navigate(`/forum/t/${r.post.thread_id}${r.page > 1 ? '?page=' + r.page : ''}#p${r.post.n}`, { replace: true }),
      () => setErr(t.forum.postNotFound),
    )
  }, [postId, navigate, t])
  return err ? <ErrorAlert text={err} /> : <Loading />
}
