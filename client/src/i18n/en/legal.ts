import type { Translation } from '../types'
import type { legal as it } from '../it/legal'

export const legal: Translation<typeof it> = {
  accessibility: {
    title: 'Accessibility statement',
    intro: 'The Department of Public Function is committed to making the Tavolo accessible, in accordance with Law no. 4 of 9 January 2004 and AgID’s accessibility guidelines, which adopt EN 301 549 and WCAG 2.1 level AA.',
    statusTitle: 'Compliance status',
    status: 'The Tavolo is designed to conform to WCAG 2.1 level AA: headings and landmarks, full keyboard navigation with visible focus, a skip link to the content, labels for every field, form errors announced and linked to their fields, sufficient colour contrast, live updates announced without moving the focus.',
    feedbackTitle: 'Feedback and contacts',
    feedback: 'If you meet a barrier while using the Tavolo, write to the Cantiere staff in the «Assistenza piattaforma» forum category or to the Cantiere contact given in the call. If the answer is not satisfactory you can apply to AgID’s Digital Ombudsman.',
    dateTitle: 'Preparation of this statement',
    date: 'This statement was prepared on the basis of a self-assessment by the supplier.',
  },
  privacy: {
    title: 'Privacy notice',
    subtitle: 'under Article 13 of Regulation (EU) 2016/679 (GDPR)',
    sections: [
      { title: 'Controller', body: 'The controller is the Department of Public Function of the Presidency of the Council of Ministers, which runs the Outsourcing Cantiere.' },
      { title: 'Data processed', body: 'We process the data you give to take part in the Cantiere: full name, email address, administration and role, the content you publish (messages, attachments, reactions) with its edit history, the drafts the Tavolo saves while you write, your notifications, the threads and categories you follow and how far you have read each thread. Passwords are stored only as one-way hashes (argon2id). Your IP address is used, only in the server’s memory and never recorded, to limit login attempts.' },
      { title: 'Purposes and legal basis', body: 'The data are used to manage the enrolment of administrations, the participants’ accounts and the Cantiere’s activities. The legal basis is the performance of a task carried out in the public interest (Art. 6(1)(e) GDPR).' },
      { title: 'Cookies', body: 'The Tavolo uses technical cookies only: a session cookie needed to stay logged in (it lasts until you log out or the session expires), a form-protection (CSRF) cookie and a cookie remembering the chosen language for a year. The browser’s local storage also keeps drafts of the posts you are writing, until you send or empty them. It uses no profiling cookies and no third-party analytics, which is why no cookie banner is shown.' },
      { title: 'Retention', body: 'The data are kept for the duration of the Cantiere and as long as needed for the follow-up obligations; expired sessions are deleted automatically, invitation and password-reset links a week after they expire.' },
      { title: 'Recipients', body: 'The data are processed by the Department’s authorised staff and by the platform supplier as processor. Content published in the forum is visible to the other participants of the Cantiere. The data are not transferred outside the European Union.' },
      { title: 'Your rights', body: 'You can correct your name, language and password in your profile. To ask for access to your data, rectification, erasure, restriction of processing, or to object to processing (Art. 15–21 GDPR), write to the Cantiere staff in the «Assistenza piattaforma» forum category: the Tavolo has no self-service data export or account deletion. You can also lodge a complaint with the Italian Data Protection Authority (Garante).' },
    ],
  },
  formNote: { before: 'The personal data you enter are processed as described in the ', link: 'privacy notice', after: '.' },
}
