package forum

import (
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// The forum's items as the authorisation table sees them.

func (t *ThreadSummary) state() authz.State {
	if t.Locked {
		return authz.Locked
	}
	return 0
}

func categoryState(c *categoryDoc) authz.State {
	if c.Archived {
		return authz.Archived
	}
	return 0
}

func postState(deleted bool) authz.State {
	if deleted {
		return authz.Deleted
	}
	return 0
}

// check asks the table and answers its denials with the forum's errors:
// byOwner when only authors may, byState when the item's state forbids
// it, byRole otherwise. It returns whether only authorship allowed it.
func check(a authz.Action, u *account.User, it authz.Item, byRole, byOwner, byState error) (ownOnly bool, err error) {
	v := authz.Check(a, u.Subject(), it)
	switch v.Denial {
	case authz.Allowed:
		return v.OwnOnly, nil
	case authz.ByOwner:
		return false, byOwner
	case authz.ByState:
		return false, byState
	default:
		return false, byRole
	}
}

var errForbidden = problem.ErrForbidden
