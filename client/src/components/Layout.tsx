import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Link, NavLink, useLocation } from 'react-router-dom'
import { Header, HeaderContent, HeaderRightZone, Headers } from 'design-react-kit'
import { api } from '../api/client'
import { isActive, type User } from '../api/types'
import { useI18n, type Lang } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ConnectionIndicator } from './ConnectionIndicator'
import { Icon } from './Icon'
import { isModerator } from './guards'
import { NotificationBell } from '../forum/NotificationBell'
import { SuspensionNotice } from '../session/SuspensionNotice'
import { useLiveRooms } from '../rooms/useLiveRooms'
import { totalUnread } from '../rooms/unread'

/** Navbar entries; the forum engineer adds theirs here. */
function navItems(user: User | null, t: ReturnType<typeof useI18n>['t']) {
  const items: { to: string; label: string; end?: boolean }[] = [{ to: '/', label: t.common.home, end: true }]
  if (isActive(user)) items.push({ to: '/forum', label: t.common.forum }, { to: '/stanze', label: t.rooms.nav }, { to: '/esperienze', label: t.experiences.nav }, { to: '/tavoli', label: t.compare.nav }, { to: '/cerca', label: t.forum.search.nav })
  if (user) items.push({ to: '/profilo', label: t.common.profile })
  if (isModerator(user) && isActive(user)) items.push({ to: '/moderazione', label: t.moderation.nav })
  if (user?.role === 'admin' && isActive(user)) items.push({ to: '/admin', label: t.common.admin })
  return items
}

function LangSwitch() {
  const { lang, setLang, t } = useI18n()
  const { user, setUser } = useSession()
  const other: Lang = lang === 'it' ? 'en' : 'it'
  const change = () => {
    setLang(other)
    if (user) {
      api.patch<User>('/me', { lang: other }).then(setUser, () => {
        /* the cookie still holds the choice */
      })
    }
  }
  return (
    <div className="nav-item lang-switch">
      <span className="visually-hidden">{t.common.language}: {t.common.languageName[lang]}. </span>
      <button type="button" className="btn btn-link text-white p-0 lang-button" onClick={change} lang={other}>
        <span aria-hidden="true">{other.toUpperCase()}</span>
        <span className="visually-hidden">{t.common.switchTo}</span>
      </button>
    </div>
  )
}

function UserZone() {
  const { t } = useI18n()
  const { user, logout } = useSession()
  if (!user) {
    return (
      <div className="it-access-top-wrapper">
        <Link className="btn btn-primary btn-sm" to="/login">
          {t.common.login}
        </Link>
      </div>
    )
  }
  return (
    <div className="it-access-top-wrapper user-zone d-flex align-items-center gap-3">
      <Link to="/profilo" className="text-white user-link" aria-label={t.common.userMenu(user.name)}>
        <Icon name="it-user" color="white" size="sm" className="me-1" />
        <span className="d-none d-md-inline">{user.name}</span>
      </Link>
      {/* Phones: "Esci" lives in the side menu (Navbar), where it has room. */}
      <button type="button" className="btn btn-primary btn-sm d-none d-md-inline-block" onClick={() => void logout()}>
        {t.common.logout}
      </button>
    </div>
  )
}

function Navbar() {
  const { t } = useI18n()
  const { user, logout } = useSession()
  const [open, setOpen] = useState(false)
  const location = useLocation()
  const toggler = useRef<HTMLButtonElement>(null)
  const closer = useRef<HTMLButtonElement>(null)
  // The rooms' unread messages in all, beside their entry, from the server's counts kept live.
  const { rooms } = useLiveRooms(isActive(user))
  const roomsUnread = rooms ? totalUnread(rooms) : 0
  useEffect(() => setOpen(false), [location.pathname])
  const close = () => {
    setOpen(false)
    toggler.current?.focus()
  }
  useEffect(() => {
    if (!open) return
    closer.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false)
        toggler.current?.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [open])
  return (
    <Header type="navbar" theme="">
      <HeaderContent expand="lg" aria-label={t.common.mainNav}>
        <button
          ref={toggler}
          className="custom-navbar-toggler"
          type="button"
          aria-controls="main-nav"
          aria-expanded={open}
          aria-label={t.common.openMenu}
          onClick={() => setOpen(true)}
        >
          <Icon name="it-burger" />
        </button>
        <div className={'navbar-collapsable' + (open ? ' expanded' : '')} id="main-nav" style={open ? { display: 'block' } : undefined}>
          <div className="overlay" style={open ? { display: 'block' } : undefined} onClick={close} />
          <div className="close-div">
            <button ref={closer} className="btn close-menu" type="button" onClick={close}>
              <span className="visually-hidden">{t.common.closeMenu}</span>
              <Icon name="it-close-big" />
            </button>
          </div>
          <div className="menu-wrapper">
            <ul className="navbar-nav">
              {navItems(user, t).map((item) => (
                <li className="nav-item" key={item.to}>
                  <NavLink className="nav-link" to={item.to} end={item.end}>
                    <span>{item.label}</span>
                    {item.to === '/stanze' && roomsUnread > 0 ? (
                      <>
                        <span className="badge bg-primary border border-white ms-1 nav-unread" aria-hidden="true" data-testid="nav-rooms-unread">
                          {roomsUnread > 999 ? '999+' : roomsUnread}
                        </span>
                        <span className="visually-hidden">, {t.rooms.navUnread(roomsUnread)}</span>
                      </>
                    ) : null}
                  </NavLink>
                </li>
              ))}
              {user ? (
                <li className="nav-item d-md-none">
                  <button type="button" className="nav-link btn btn-link menu-logout" onClick={() => void logout()}>
                    <span>{t.common.logout}</span>
                  </button>
                </li>
              ) : null}
            </ul>
          </div>
        </div>
      </HeaderContent>
    </Header>
  )
}

function SiteHeader() {
  const { t } = useI18n()
  const { user } = useSession()
  return (
    <header>
      <Headers>
        <Header type="slim">
          <HeaderContent>
            <a className="d-lg-block navbar-brand owner-link" href={t.common.ownerUrl} rel="noopener">
              {t.common.owner}
            </a>
            <HeaderRightZone>
              <LangSwitch />
              <UserZone />
            </HeaderRightZone>
          </HeaderContent>
        </Header>
        <div className="it-nav-wrapper">
          <Header type="center">
            <HeaderContent>
              <div className="it-brand-wrapper">
                <Link to="/">
                  <Icon name="it-pa" />
                  <div className="it-brand-text">
                    <div className="it-brand-title">{t.common.boardName}</div>
                    <div className="it-brand-tagline d-none d-md-block">{t.common.boardTagline}</div>
                  </div>
                </Link>
              </div>
              <HeaderRightZone>
                {isActive(user) ? (
                  <div className="d-flex align-items-center gap-2 gap-sm-3 header-status">
                    <NotificationBell />
                    <ConnectionIndicator />
                  </div>
                ) : null}
              </HeaderRightZone>
            </HeaderContent>
          </Header>
          <Navbar />
        </div>
      </Headers>
    </header>
  )
}

function SiteFooter() {
  const { t } = useI18n()
  return (
    <footer className="it-footer" id="footer">
      <div className="it-footer-main">
        <div className="container">
          <section>
            <div className="row clearfix">
              <div className="col-sm-12">
                <div className="it-brand-wrapper">
                  <Link to="/">
                    <Icon name="it-pa" />
                    <div className="it-brand-text">
                      <h2 className="no_toc">{t.common.footer.title}</h2>
                      <h3 className="no_toc d-none d-md-block">{t.common.owner}</h3>
                    </div>
                  </Link>
                </div>
              </div>
            </div>
          </section>
          <section className="py-4">
            <p className="text-white mb-0">{t.common.footer.about}</p>
          </section>
        </div>
      </div>
      <div className="it-footer-small-prints clearfix">
        <div className="container">
          <h3 className="visually-hidden">{t.common.footer.navLabel}</h3>
          <nav aria-label={t.common.footer.navLabel}>
            <ul className="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row">
              <li className="list-inline-item">
                <Link to="/accessibilita">{t.common.footer.accessibility}</Link>
              </li>
              <li className="list-inline-item">
                <Link to="/privacy">{t.common.footer.privacy}</Link>
              </li>
            </ul>
          </nav>
        </div>
      </div>
    </footer>
  )
}

/** Moves the focus to <main> after a route change, like a page load would. */
function useFocusOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const location = useLocation()
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    if (location.hash) return
    main.current?.focus({ preventScroll: false })
    window.scrollTo(0, 0)
  }, [location.pathname, location.hash, main])
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const main = useRef<HTMLElement>(null)
  useFocusOnNavigate(main)
  return (
    <>
      <nav className="skiplinks" aria-label={t.common.skipToContent}>
        <a className="visually-hidden-focusable" href="#main">
          {t.common.skipToContent}
        </a>
        <a className="visually-hidden-focusable" href="#footer">
          {t.common.skipToFooter}
        </a>
      </nav>
      <SiteHeader />
      <main id="main" ref={main} tabIndex={-1} className="container my-5 main-content">
        <SuspensionNotice />
        {children}
      </main>
      <SiteFooter />
    </>
  )
}
