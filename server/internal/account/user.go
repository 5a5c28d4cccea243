// Package account owns administrations, enrolment, users, sessions,
// invitations, password resets and roles.
package account

import (
	"time"

	"github.com/cantieri/tavolo/server/internal/authz"
)

// Role is what a user may do across the board.
type Role string

const (
	RoleParticipant Role = "participant"
	RoleModerator   Role = "moderator"
	RoleAdmin       Role = "admin"
)

// User is a person with an account. Administration fields are copied here
// (no $lookup on the embedded store) and refreshed when they change.
type User struct {
	ID                   string `bson:"_id"`
	Email                string `bson:"email"`
	Name                 string `bson:"name"`
	Handle               string `bson:"handle"` // for @mentions, unique across users and administrations
	Role                 Role   `bson:"role"`
	AdministrationID     string `bson:"administration_id"`
	AdministrationIPA    string `bson:"administration_ipa"`
	AdministrationName   string `bson:"administration_name"`
	AdministrationStatus string `bson:"administration_status"`
	// AdministrationRejectionReason tells a rejected referente why, on the waiting page.
	AdministrationRejectionReason string `bson:"administration_rejection_reason,omitempty"`
	Referente                     bool   `bson:"referente"`
	Lang                          string `bson:"lang"`
	Suspended                     bool   `bson:"suspended"`
	// SuspendedUntil ends a suspension by itself (nil: until reinstated);
	// User reads a suspension past it as over (suspension.go).
	SuspendedUntil   *time.Time `bson:"suspended_until,omitempty"`
	SuspensionReason string     `bson:"suspension_reason,omitempty"` // shown to the user
	PasswordHash     string     `bson:"password_hash"`
	CreatedAt        time.Time  `bson:"created_at"`
}

// IsAdmin reports whether the user runs the Cantiere.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Active reports whether the user may take part: their administration is
// approved and they are not suspended. Admins always are.
func (u *User) Active() bool {
	if u == nil || u.Suspended {
		return false
	}
	return u.Role == RoleAdmin || u.AdministrationStatus == StatusApproved
}

// Administration statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
)

// Subject is the user as the authorisation table sees them. A suspended
// user is only suspended; a member of an administration not approved is
// only pending (admins are never pending).
func (u *User) Subject() authz.Subject {
	if u == nil {
		return authz.Subject{Roles: authz.Of(authz.Anonymous)}
	}
	s := authz.Subject{UserID: u.ID, AdministrationID: u.AdministrationID}
	switch {
	case u.Suspended:
		s.Roles = authz.Of(authz.Suspended)
		return s
	case !u.Active():
		s.Roles = authz.Of(authz.Pending)
		return s
	case u.Role == RoleAdmin:
		s.Roles = authz.Of(authz.Admin)
	case u.Role == RoleModerator:
		s.Roles = authz.Of(authz.Moderator)
	default:
		s.Roles = authz.Of(authz.Participant)
	}
	if u.Referente {
		s.Roles |= authz.Of(authz.Referente)
	}
	return s
}
