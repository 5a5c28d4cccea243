import { useEffect, useState } from 'react'
import { useParams } from 'react-router-dom'
import { useT } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { forumApi, type MentionSuggestion } from './api'
import { ErrorAlert } from './common'

/** Where an @mention link leads: who (or which administration) that handle is. */
export default function Mentioned({ kind }: { kind: MentionSuggestion['kind'] }) {
  const t = useT()
  const tm = t.forum.mentioned
  const { handle = '' } = useParams()
  const [found, setFound] = useState<MentionSuggestion | null | undefined>(undefined)
  const [error, setError] = useState('')

  useEffect(() => {
    const ctl = new AbortController()
    setFound(undefined)
    forumApi.mentions(handle, undefined, ctl.signal).then(
      (list) => setFound(list.find((m) => m.kind === kind && m.handle === handle) ?? null),
      (e) => !ctl.signal.aborted && setError(apiErrorMessage(e, t)),
    )
    return () => ctl.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [handle, kind])

  if (error) return <Page title={'@' + handle}><ErrorAlert text={error} /></Page>
  if (found === undefined) return <Loading />
  if (found === null) return <Page title={'@' + handle}><p>{tm.notFound}</p></Page>
  return (
    <Page title={found.name} lead={'@' + found.handle}>
      <dl>
        <dt>{kind === 'user' ? tm.user : tm.administration}</dt>
        <dd>{found.name}</dd>
        {found.detail ? (
          <>
            <dt>{kind === 'user' ? tm.administration : 'Codice IPA'}</dt>
            <dd>{found.detail}</dd>
          </>
        ) : null}
      </dl>
    </Page>
  )
}
