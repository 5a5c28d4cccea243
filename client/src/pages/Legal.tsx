import { useT } from '../i18n'
import { Page } from '../components/Page'

export function Accessibility() {
  const a = useT().legal.accessibility
  return (
    <Page title={a.title} narrow>
      <p>{a.intro}</p>
      <h2 className="h3">{a.statusTitle}</h2>
      <p>{a.status}</p>
      <h2 className="h3">{a.feedbackTitle}</h2>
      <p>{a.feedback}</p>
      <h2 className="h3">{a.dateTitle}</h2>
      <p>{a.date}</p>
    </Page>
  )
}

export function Privacy() {
  const p = useT().legal.privacy
  return (
    <Page title={p.title} lead={p.subtitle} narrow>
      {p.sections.map((s) => (
        <section key={s.title}>
          <h2 className="h3">{s.title}</h2>
          <p>{s.body}</p>
        </section>
      ))}
    </Page>
  )
}
