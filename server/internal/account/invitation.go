package account

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/mailer"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// invitation is stored under the hash of its token.
type invitation struct {
	ID               string     `bson:"_id"`
	AdministrationID string     `bson:"administration_id"`
	Email            string     `bson:"email"`
	CreatedBy        string     `bson:"created_by"`
	CreatedAt        time.Time  `bson:"created_at"`
	ExpiresAt        time.Time  `bson:"expires_at"`
	UsedAt           *time.Time `bson:"used_at,omitempty"`
}

// Invitation is what the invitee sees before accepting.
type Invitation struct {
	AdministrationName string    `json:"administration_name"`
	Email              string    `json:"email"`
	ExpiresAt          time.Time `json:"expires_at"`
}

// NewInvitation is a created invitation: the token is shown once.
type NewInvitation struct {
	Token     string    `json:"token"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Invite creates an invitation into administrationID ("" = the actor's
// own). Admins invite anywhere; a referente only into their approved
// administration. With an email, the link is also mailed.
func (s *Service) Invite(ctx context.Context, actor *User, administrationID, email string) (*NewInvitation, error) {
	if administrationID == "" {
		administrationID = actor.AdministrationID
	}
	switch authz.Check(authz.Invite, actor.Subject(), authz.Item{AdministrationID: administrationID}).Denial {
	case authz.Allowed:
	case authz.ByAdministration:
		return nil, ErrOtherAdministration
	default:
		return nil, ErrNotReferente
	}
	a, err := s.Administration(ctx, administrationID)
	if err != nil {
		return nil, err
	}
	if a.Status != StatusApproved {
		return nil, ErrAdministrationNotApproved
	}
	token := newToken()
	now := s.now().UTC().Truncate(time.Millisecond)
	inv := invitation{ID: hashToken(token), AdministrationID: a.ID, Email: NormalizeEmail(email), CreatedBy: actor.ID,
		CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	// The target is the invitation's stored id, the token's hash: the
	// token itself, the secret, stays out of the log.
	rec, err := s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: audit.InvitationCreate,
		Target: audit.Target{Kind: "invitation", ID: inv.ID, Label: inv.Email},
		After:  map[string]any{"administration_id": a.ID}})
	if err != nil {
		return nil, err
	}
	_, err = s.st.C(colInvitations).InsertOne(ctx, inv)
	rec.Done(ctx, err)
	if err != nil {
		return nil, fmt.Errorf("insert invitation: %w", err)
	}
	out := &NewInvitation{Token: token, URL: s.opt.PublicURL + "/invito/" + token, ExpiresAt: inv.ExpiresAt}
	if inv.Email != "" {
		s.sendMail(mailer.Message{To: inv.Email, Subject: "Invito a Tavolo: " + a.Name,
			Text: fmt.Sprintf("%s ti invita a partecipare a Tavolo per %s.\n\nAccetta l'invito entro il %s:\n%s\n\n%s invites you to Tavolo for %s:\n%s\n",
				actor.Name, a.Name, inv.ExpiresAt.In(rome).Format("02/01/2006 15:04"), out.URL, actor.Name, a.Name, out.URL)})
	}
	return out, nil
}

func (s *Service) invitation(ctx context.Context, token string) (*invitation, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrTokenInvalid
	}
	var inv invitation
	if err := s.st.C(colInvitations).FindOne(ctx, bson.D{{Key: "_id", Value: hashToken(token)}}).Decode(&inv); err != nil {
		if notFound(err) {
			return nil, ErrTokenInvalid
		}
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	switch {
	case inv.UsedAt != nil:
		return nil, ErrTokenUsed
	case !s.now().Before(inv.ExpiresAt):
		return nil, ErrTokenExpired
	}
	return &inv, nil
}

// Invitation describes a usable invitation.
func (s *Service) Invitation(ctx context.Context, token string) (*Invitation, error) {
	inv, err := s.invitation(ctx, token)
	if err != nil {
		return nil, err
	}
	a, err := s.Administration(ctx, inv.AdministrationID)
	if err != nil {
		return nil, err
	}
	return &Invitation{AdministrationName: a.Name, Email: inv.Email, ExpiresAt: inv.ExpiresAt}, nil
}

// AcceptInvitation creates the invitee's account and logs them in. The
// invitation is spent by inserting its use under a unique _id: of two
// concurrent accepts exactly one gets past that insert.
func (s *Service) AcceptInvitation(ctx context.Context, token string, cred Credentials, lang string) (*User, string, error) {
	inv, err := s.invitation(ctx, token)
	if err != nil {
		return nil, "", err
	}
	if inv.Email != "" && NormalizeEmail(cred.Email) != inv.Email {
		return nil, "", fieldError("email", FieldInvitationEmail)
	}
	a, err := s.Administration(ctx, inv.AdministrationID)
	if err != nil {
		return nil, "", err
	}
	u, err := s.createUser(ctx, newUser{Email: cred.Email, Name: cred.Name, Password: cred.Password, Role: RoleParticipant,
		Admin: a, Lang: lang, consume: func(ctx context.Context) error {
			if err := s.spend(ctx, "invitation", inv.ID); err != nil {
				return err
			}
			now := s.now().UTC()
			_, err := s.st.C(colInvitations).UpdateByID(ctx, inv.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "used_at", Value: now}}}})
			return err
		}})
	if err == errEmailTaken {
		return nil, "", taken("email")
	}
	if err != nil {
		return nil, "", err
	}
	token, err = s.CreateSession(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// spend records the single use of a token; a second use is ErrTokenUsed.
func (s *Service) spend(ctx context.Context, kind, id string) error {
	_, err := s.st.C(colTokenUses).InsertOne(ctx, bson.D{{Key: "_id", Value: kind + ":" + id}, {Key: "at", Value: s.now().UTC()}})
	if isDup(err) {
		return ErrTokenUsed
	}
	if err != nil {
		return fmt.Errorf("spend token: %w", err)
	}
	return nil
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()
