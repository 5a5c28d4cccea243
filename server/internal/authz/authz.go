// Package authz holds who may do what, as one table: each row of rules
// grants an action to some roles, on their own or anyone's item, in their
// own or any administration, while the item is in some states. Anything no
// row grants is refused. Domain packages ask Check inside their calls (not
// only the handlers), so an HTTP route, a websocket topic and a background
// job all get the same answer.
//
// Adding a feature's permissions: add its actions to the Action constants
// and to actions (name and which item dimensions matter), then add rows to
// rules. The web package's generated tests (authz_gen_test.go) then run one
// case per cell of the new rows over HTTP or the websocket, and fail until
// the action has a driver there.
//
// Rules that depend on a value rather than on who and what (the edit
// window, an admin not demoting themself) stay in the domain, after Check.
package authz

// Role is one of the kinds of subject; a user may hold several (a
// moderator who is also their administration's referente).
type Role uint8

const (
	Anonymous   Role = iota // not logged in
	Pending                 // logged in, administration not (yet) approved
	Suspended               // logged in, suspended: nothing else counts
	Participant             // active member of an approved administration
	Referente               // the member who speaks for their administration
	Moderator               // curates content everywhere
	Admin                   // runs the Cantiere
	numRoles
)

var roleNames = [numRoles]string{"anonymous", "pending", "suspended", "participant", "referente", "moderator", "admin"}

func (r Role) String() string { return roleNames[r] }

// Roles is a set of roles.
type Roles uint8

// Of is the set of the given roles.
func Of(rs ...Role) Roles {
	var s Roles
	for _, r := range rs {
		s |= 1 << r
	}
	return s
}

// Has reports whether r is in the set.
func (s Roles) Has(r Role) bool { return s&(1<<r) != 0 }

// AllRoles lists every role, for tables and generated tests.
func AllRoles() []Role {
	out := make([]Role, numRoles)
	for i := range out {
		out[i] = Role(i)
	}
	return out
}

// Role sets used by the rules.
var (
	active     = Of(Participant, Referente, Moderator, Admin)
	moderators = Of(Moderator, Admin)
	admins     = Of(Admin)
	loggedIn   = Of(Pending, Suspended, Participant, Referente, Moderator, Admin)
)

// State is a set of item states; an item with no state is plain.
type State uint8

const (
	Locked    State = 1 << iota // thread closed to replies
	Archived                    // category (and its threads) closed to writes
	Hidden                      // held back by moderation (reserved: no item is hidden yet)
	Deleted                     // post deleted, a placeholder remains
	Draft                       // experience record not yet published
	numStates = iota
)

var stateNames = [numStates]string{"locked", "archived", "hidden", "deleted", "draft"}

func (s State) String() string {
	if s == 0 {
		return "plain"
	}
	out := ""
	for i, n := range stateNames {
		if s&(1<<i) != 0 {
			if out != "" {
				out += "+"
			}
			out += n
		}
	}
	return out
}

// AllStates lists each single state, for tables and generated tests.
func AllStates() []State {
	out := make([]State, numStates)
	for i := range out {
		out[i] = 1 << i
	}
	return out
}

// Scope says whose item (or which administration) a row covers.
type Scope uint8

const (
	Any Scope = iota // anyone's
	Own              // the subject's own only
)

// Subject is who acts.
type Subject struct {
	Roles            Roles
	UserID           string
	AdministrationID string
}

// Item is what the action is on; the zero Item stands for "no particular
// item" (a list, a new thread, the admin area).
type Item struct {
	OwnerID          string
	AdministrationID string
	State            State
}

// Rule grants Action to Roles on the items Owner and Administration cover,
// in the States listed (an item passes when each of its states is listed).
type Rule struct {
	Action         Action
	Roles          Roles
	Owner          Scope
	Administration Scope
	States         State
}

// Denial says why Check refused: the first dimension no row got past.
type Denial uint8

const (
	Allowed          Denial = iota
	ByRole                  // no row grants the action to the subject's roles
	ByOwner                 // rows for the roles cover only their own items
	ByAdministration        // rows cover only the subject's own administration
	ByState                 // rows refuse the item's current state
)

// Verdict is Check's answer.
type Verdict struct {
	Denial Denial // Allowed, or why not
	// OwnOnly: allowed only because the item is the subject's own, so the
	// domain's rules for authors (the edit window) apply.
	OwnOnly bool
}

// Check decides whether s may do a to it. It allocates nothing.
func Check(a Action, s Subject, it Item) Verdict {
	best, own := ByRole, false
	for i := range rules {
		r := &rules[i]
		if r.Action != a || r.Roles&s.Roles == 0 {
			continue
		}
		switch {
		case it.State&^r.States != 0: // first: a deleted post is deleted for everyone
			best = max(best, ByState)
		case r.Owner == Own && (s.UserID == "" || it.OwnerID != s.UserID):
			best = max(best, ByOwner)
		case r.Administration == Own && (s.AdministrationID == "" || it.AdministrationID != s.AdministrationID):
			best = max(best, ByAdministration)
		case r.Owner == Own:
			own = true // an unscoped row may still grant it
		default:
			return Verdict{}
		}
	}
	if own {
		return Verdict{OwnOnly: true}
	}
	return Verdict{Denial: best}
}

// Can reports whether s may do a to it.
func Can(a Action, s Subject, it Item) bool { return Check(a, s, it).Denial == Allowed }

// Rules is the table, for documentation and generated tests.
func Rules() []Rule { return rules }
