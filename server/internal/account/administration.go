package account

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Administration is an enrolled public body. Its _id is the lowercased
// codice IPA, so uniqueness ignoring case is the primary key's.
type Administration struct {
	ID              string     `bson:"_id"`
	CodiceIPA       string     `bson:"codice_ipa"`
	Name            string     `bson:"name"`
	Category        string     `bson:"category"`
	Region          string     `bson:"region"`
	Status          string     `bson:"status"`
	ReferenteID     string     `bson:"referente_id"`
	ReferenteName   string     `bson:"referente_name"`
	ReferenteEmail  string     `bson:"referente_email"`
	MemberIDs       []string   `bson:"member_ids"`
	CreatedAt       time.Time  `bson:"created_at"`
	DecidedAt       *time.Time `bson:"decided_at,omitempty"`
	RejectionReason string     `bson:"rejection_reason,omitempty"`
}

// Closed lists of the API contract (Enrolment), as validator oneof lists.
const (
	Categories = "comune unione_comuni comunita_montana provincia citta_metropolitana regione asl azienda_ospedaliera universita camera_commercio ministero ente_ricerca ente_nazionale altro"
	Regions    = "abruzzo basilicata calabria campania emilia_romagna friuli_venezia_giulia lazio liguria lombardia marche molise piemonte puglia sardegna sicilia toscana trentino_alto_adige umbria valle_d_aosta veneto nazionale"
)

var codiceRE = regexp.MustCompile(`^[A-Za-z0-9_]{2,11}$`)

func init() {
	problem.RegisterValidation("codice_ipa", func(fl validator.FieldLevel) bool {
		return codiceRE.MatchString(fl.Field().String())
	})
}

// Credentials are a new account's name, email and password.
type Credentials struct {
	Name     string `json:"name" validate:"required,min=2,max=100,nocontrol"`
	Email    string `json:"email" validate:"required,max=254,email"`
	Password string `json:"password" validate:"required,min=10,max=128"`
}

// Enrolment is the enrolment form.
type Enrolment struct {
	CodiceIPA string      `json:"codice_ipa" validate:"required,codice_ipa"`
	Name      string      `json:"name" validate:"required,min=2,max=200,nocontrol"`
	Category  string      `json:"category" validate:"required,oneof=comune unione_comuni comunita_montana provincia citta_metropolitana regione asl azienda_ospedaliera universita camera_commercio ministero ente_ricerca ente_nazionale altro"`
	Region    string      `json:"region" validate:"required,oneof=abruzzo basilicata calabria campania emilia_romagna friuli_venezia_giulia lazio liguria lombardia marche molise piemonte puglia sardegna sicilia toscana trentino_alto_adige umbria valle_d_aosta veneto nazionale"`
	Referente Credentials `json:"referente"`
}

// Enrol registers a pending administration and its referente, and logs
// the referente in. lang is the referente's language.
func (s *Service) Enrol(ctx context.Context, in Enrolment, lang string) (*Administration, *User, string, error) {
	open, _, err := s.EnrolmentOpen(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	if !open {
		return nil, nil, "", ErrEnrolmentClosed
	}
	a, err := s.newAdministration(ctx, in, StatusPending)
	if err != nil {
		return nil, nil, "", err
	}
	u, err := s.createUser(ctx, newUser{Email: in.Referente.Email, Name: in.Referente.Name, Password: in.Referente.Password,
		Role: RoleParticipant, Admin: a, Referente: true, Lang: lang})
	if err != nil {
		s.dropAdministration(ctx, a.ID)
		if err == errEmailTaken {
			return nil, nil, "", taken("referente.email")
		}
		return nil, nil, "", err
	}
	a, err = s.setReferente(ctx, a.ID, u)
	if err != nil {
		return nil, nil, "", err
	}
	token, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		return nil, nil, "", err
	}
	return a, u, token, nil
}

// newAdministration claims the codice (as _id and as handle) after checking
// the referente's email, so a refusal names every taken field at once.
func (s *Service) newAdministration(ctx context.Context, in Enrolment, status string) (*Administration, error) {
	id := strings.ToLower(in.CodiceIPA)
	var fields []string
	if err := s.st.C(colAdministrations).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err == nil {
		fields = append(fields, "codice_ipa")
	} else if !notFound(err) {
		return nil, fmt.Errorf("find administration: %w", err)
	}
	if in.Referente.Email != "" {
		if t, err := s.emailTaken(ctx, in.Referente.Email); err != nil {
			return nil, err
		} else if t {
			fields = append(fields, "referente.email")
		}
	}
	if len(fields) > 0 {
		return nil, taken(fields...)
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	a := &Administration{ID: id, CodiceIPA: in.CodiceIPA, Name: strings.TrimSpace(in.Name), Category: in.Category,
		Region: in.Region, Status: status, MemberIDs: []string{}, CreatedAt: now}
	if status != StatusPending {
		a.DecidedAt = &now
	}
	if _, err := s.st.C(colAdministrations).InsertOne(ctx, a); err != nil {
		if isDup(err) {
			return nil, taken("codice_ipa")
		}
		return nil, fmt.Errorf("insert administration: %w", err)
	}
	_, err := s.st.C(colHandles).InsertOne(ctx, Mentionable{Handle: id, Kind: KindAdministration, ID: id, Name: a.Name,
		Detail: a.CodiceIPA, Active: status == StatusApproved})
	if err != nil {
		s.st.C(colAdministrations).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: id}})
		if isDup(err) {
			// A user's generated handle already spells this codice.
			return nil, taken("codice_ipa")
		}
		return nil, fmt.Errorf("claim administration handle: %w", err)
	}
	return a, nil
}

func (s *Service) dropAdministration(ctx context.Context, id string) {
	ctx = context.WithoutCancel(ctx)
	s.st.C(colHandles).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	s.st.C(colAdministrations).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
}

func (s *Service) setReferente(ctx context.Context, adminID string, u *User) (*Administration, error) {
	var a Administration
	err := s.st.C(colAdministrations).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: adminID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "referente_id", Value: u.ID}, {Key: "referente_name", Value: u.Name}, {Key: "referente_email", Value: u.Email}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&a)
	if err != nil {
		return nil, fmt.Errorf("set referente: %w", err)
	}
	return &a, nil
}

// Administration returns the administration with id (its lowercased codice).
func (s *Service) Administration(ctx context.Context, id string) (*Administration, error) {
	var a Administration
	if err := s.st.C(colAdministrations).FindOne(ctx, bson.D{{Key: "_id", Value: strings.ToLower(id)}}).Decode(&a); err != nil {
		if notFound(err) {
			return nil, ErrAdministrationNotFound
		}
		return nil, fmt.Errorf("find administration: %w", err)
	}
	return &a, nil
}

// MembersOf returns the IDs of the administration's users: one _id lookup.
func (s *Service) MembersOf(ctx context.Context, administrationID string) ([]string, error) {
	a, err := s.Administration(ctx, administrationID)
	if err != nil {
		return nil, err
	}
	return a.MemberIDs, nil
}

// Administrations lists administrations with status, by name. The
// collection holds a few hundred documents: a scan is fine.
func (s *Service) Administrations(ctx context.Context, status string) ([]Administration, error) {
	cur, err := s.st.C(colAdministrations).Find(ctx, bson.D{{Key: "status", Value: status}},
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list administrations: %w", err)
	}
	out := []Administration{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read administrations: %w", err)
	}
	return out, nil
}

// Approve approves a pending (or earlier rejected) administration; actor
// is the admin who decides.
func (s *Service) Approve(ctx context.Context, actor *User, id string) (*Administration, error) {
	if err := mayReview(actor, id); err != nil {
		return nil, err
	}
	return s.decide(ctx, actor, id, StatusApproved, "")
}

// Reject rejects a pending administration with a reason; actor is the
// admin who decides.
func (s *Service) Reject(ctx context.Context, actor *User, id, reason string) (*Administration, error) {
	if err := mayReview(actor, id); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, problem.ErrInvalid.With(map[string]string{"reason": FieldReasonRequired})
	}
	return s.decide(ctx, actor, id, StatusRejected, reason)
}

func mayReview(actor *User, id string) error {
	if !authz.Can(authz.ReviewEnrolments, actor.Subject(), authz.Item{AdministrationID: id}) {
		return problem.ErrForbidden
	}
	return nil
}

// decide sets the status (an audit entry when it changes), then refreshes
// what is copied elsewhere: each member's administration_status and the
// mention handles. Re-running it repairs an interrupted refresh.
func (s *Service) decide(ctx context.Context, actor *User, id, status, reason string) (*Administration, error) {
	a, err := s.Administration(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status == status {
		reason = a.RejectionReason // a re-run repairs with what was decided
	} else {
		if status == StatusRejected && a.Status != StatusPending {
			return nil, ErrAlreadyDecided
		}
		action := audit.EnrolmentApprove
		if status == StatusRejected {
			action = audit.EnrolmentReject
		}
		rec, err := s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: action,
			Target: audit.Target{Kind: "administration", ID: a.ID, Label: a.Name}, Reason: reason,
			Before: map[string]any{"status": a.Status}, After: map[string]any{"status": status}})
		if err != nil {
			return nil, err
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		set := bson.D{{Key: "status", Value: status}, {Key: "decided_at", Value: now}, {Key: "rejection_reason", Value: reason}}
		_, err = s.st.C(colAdministrations).UpdateByID(ctx, a.ID, bson.D{{Key: "$set", Value: set}})
		rec.Done(ctx, err)
		if err != nil {
			return nil, fmt.Errorf("decide administration: %w", err)
		}
	}
	active := status == StatusApproved
	if _, err := s.st.C(colHandles).UpdateByID(ctx, a.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "active", Value: active}}}}); err != nil {
		return nil, fmt.Errorf("update administration handle: %w", err)
	}
	for _, uid := range a.MemberIDs {
		if err := s.updateUser(ctx, uid, bson.D{{Key: "administration_status", Value: status}, {Key: "administration_rejection_reason", Value: reason}}); err != nil && err != ErrUserNotFound {
			return nil, err
		}
		u, err := s.User(ctx, uid)
		if err != nil {
			continue
		}
		if _, err := s.st.C(colHandles).UpdateByID(ctx, u.Handle, bson.D{{Key: "$set", Value: bson.D{{Key: "active", Value: active}}}}); err != nil {
			return nil, fmt.Errorf("update user handle: %w", err)
		}
	}
	return s.Administration(ctx, a.ID)
}

// NewApprovedAdministration creates an approved administration without a
// referente: the first admin's, demo content and test fixtures.
func (s *Service) NewApprovedAdministration(ctx context.Context, codice, name, category, region string) (*Administration, error) {
	in := Enrolment{CodiceIPA: codice, Name: name, Category: category, Region: region}
	if !codiceRE.MatchString(codice) {
		return nil, problem.ErrInvalid.With(map[string]string{"codice_ipa": FieldCodiceIPA})
	}
	return s.newAdministration(ctx, in, StatusApproved)
}

// NewMember creates a user in an existing administration directly (first
// admin, demo content, test fixtures); the first member becomes referente.
func (s *Service) NewMember(ctx context.Context, adminID string, cred Credentials, role Role) (*User, error) {
	a, err := s.Administration(ctx, adminID)
	if err != nil {
		return nil, err
	}
	u, err := s.createUser(ctx, newUser{Email: cred.Email, Name: cred.Name, Password: cred.Password, Role: role,
		Admin: a, Referente: a.ReferenteID == ""})
	if err == errEmailTaken {
		return nil, taken("email")
	}
	if err != nil {
		return nil, err
	}
	if u.Referente {
		if _, err := s.setReferente(ctx, a.ID, u); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Dipartimento della Funzione Pubblica: the first admin's administration.
const (
	adminAdministrationCodice = "dfp"
	adminAdministrationName   = "Dipartimento della Funzione Pubblica"
)

func (s *Service) ensureAdmin(ctx context.Context) error {
	_, err := s.EnsureAdmin(ctx, s.opt.AdminEmail, s.opt.AdminPassword)
	return err
}

// EnsureAdmin creates an admin with email in the Dipartimento della
// Funzione Pubblica's administration, unless the email exists already; it
// returns the user with that email either way.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (*User, error) {
	if u, err := s.userByEmail(ctx, email); err == nil || err != ErrUserNotFound {
		return u, err
	}
	if _, err := s.Administration(ctx, adminAdministrationCodice); err == ErrAdministrationNotFound {
		if _, err := s.NewApprovedAdministration(ctx, adminAdministrationCodice, adminAdministrationName, "ministero", "nazionale"); err != nil && !isTaken(err) {
			return nil, fmt.Errorf("create admin administration: %w", err)
		}
	} else if err != nil {
		return nil, err
	}
	u, err := s.NewMember(ctx, adminAdministrationCodice, Credentials{Name: "Amministratore", Email: email, Password: password}, RoleAdmin)
	if isTaken(err) { // created meanwhile by another instance
		return s.userByEmail(ctx, email)
	}
	if err != nil {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	s.log.Info("admin created", "email", u.Email)
	return u, nil
}

func isTaken(err error) bool {
	p, ok := problem.As(err)
	return ok && p.Code == ErrTaken.Code
}
