import type { Role, User } from '../api/types'
import { useI18n } from '../i18n'
import { Dialog } from '../forum/common'

/**
 * Asks before a user's role changes, saying what the new role can do; the
 * administrator role gets a warning. A modal dialog: focus kept inside,
 * Escape cancels, focus back to the role's select.
 */
export function RoleDialog({ change, onCancel, onConfirm }: { change: { target: User; role: Role } | null; onCancel: () => void; onConfirm: (target: User, role: Role) => void }) {
  const { t } = useI18n()
  const u = t.admin.users
  const roles = t.account.roles
  return (
    <Dialog open={change !== null} title={change ? u.confirmTitle(change.target.name) : ''} onClose={onCancel}>
      {change ? (
        <div data-testid="role-dialog">
          <p>{u.confirmFromTo(roles[change.target.role], roles[change.role])}</p>
          {change.role === 'admin' ? (
            <div className="alert alert-warning" role="note">
              {u.adminWarning}
            </div>
          ) : null}
          <p className="mb-1 fw-semibold">{u.canDo}</p>
          <p>{u.can[change.role]}</p>
          <div className="d-flex flex-wrap gap-2">
            <button type="button" className={'btn btn-sm ' + (change.role === 'admin' ? 'btn-danger' : 'btn-primary')} onClick={() => onConfirm(change.target, change.role)}>
              {u.confirm}
            </button>
            <button type="button" className="btn btn-outline-primary btn-sm" onClick={onCancel}>
              {t.common.cancel}
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  )
}
