package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// NormalizeEmail is the form emails are compared and stored in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// User returns the user with id, or ErrUserNotFound.
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	var u User
	if err := s.st.R(colUsers).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u); err != nil {
		if notFound(err) {
			return nil, ErrUserNotFound
		}
		return nil, fmt.Errorf("find user: %w", err)
	}
	u.suspensionAt(s.now())
	return &u, nil
}

// userByEmail goes through the user_emails index document: two _id lookups.
func (s *Service) userByEmail(ctx context.Context, email string) (*User, error) {
	var claim struct {
		UserID string `bson:"user_id"`
	}
	if err := s.st.C(colEmails).FindOne(ctx, bson.D{{Key: "_id", Value: NormalizeEmail(email)}}).Decode(&claim); err != nil {
		if notFound(err) {
			return nil, ErrUserNotFound
		}
		return nil, fmt.Errorf("find email: %w", err)
	}
	return s.User(ctx, claim.UserID)
}

func (s *Service) emailTaken(ctx context.Context, email string) (bool, error) {
	err := s.st.C(colEmails).FindOne(ctx, bson.D{{Key: "_id", Value: NormalizeEmail(email)}}).Err()
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find email: %w", err)
	}
	return true, nil
}

// Login checks the password and starts a session. Unknown emails cost the
// same hashing work as known ones.
func (s *Service) Login(ctx context.Context, email, password string) (*User, string, error) {
	u, err := s.userByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrUserNotFound) {
		return nil, "", err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := checkPassword(hash, password)
	if err != nil {
		return nil, "", fmt.Errorf("check password: %w", err)
	}
	if u == nil || !ok {
		return nil, "", ErrInvalidCredentials
	}
	if u.Suspended {
		return nil, "", u.suspendedError()
	}
	token, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// newUser is what createUser needs.
type newUser struct {
	Email, Name, Password string
	Role                  Role
	Admin                 *Administration
	Referente             bool
	Lang                  string
	// consume, when set, runs after the email is claimed and before the user
	// exists: an invitation is spent there, so a lost race leaves nothing.
	consume func(ctx context.Context) error
}

// errEmailTaken is returned by createUser; callers name their form's field.
var errEmailTaken = errors.New("email taken")

// createUser is a retry-safe sequence: claim the email (unique _id), claim
// a handle, insert the user, add them to the administration's members. A
// failure undoes the claims made so far.
func (s *Service) createUser(ctx context.Context, in newUser) (*User, error) {
	email := NormalizeEmail(in.Email)
	lang := in.Lang
	if lang != "en" {
		lang = "it"
	}
	u := &User{
		ID: newID(), Email: email, Name: strings.TrimSpace(in.Name), Role: in.Role,
		AdministrationID: in.Admin.ID, AdministrationIPA: in.Admin.CodiceIPA, AdministrationName: in.Admin.Name,
		AdministrationStatus: in.Admin.Status, Referente: in.Referente, Lang: lang,
		PasswordHash: hashPassword(in.Password), CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	if _, err := s.st.C(colEmails).InsertOne(ctx, bson.D{{Key: "_id", Value: email}, {Key: "user_id", Value: u.ID}}); err != nil {
		if isDup(err) {
			return nil, errEmailTaken
		}
		return nil, fmt.Errorf("claim email: %w", err)
	}
	undo := []func(){func() { s.st.C(colEmails).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: email}}) }}
	fail := func(err error) (*User, error) {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		return nil, err
	}
	if in.consume != nil {
		if err := in.consume(ctx); err != nil {
			return fail(err)
		}
	}
	handle, err := s.claimHandle(ctx, handleBase(u.Name), Mentionable{Kind: KindUser, ID: u.ID, Name: u.Name,
		Detail: u.AdministrationName, Active: u.AdministrationStatus == StatusApproved})
	if err != nil {
		return fail(err)
	}
	u.Handle = handle
	undo = append(undo, func() { s.st.C(colHandles).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: handle}}) })
	if _, err := s.st.C(colUsers).InsertOne(ctx, u); err != nil {
		return fail(fmt.Errorf("insert user: %w", err))
	}
	if _, err := s.st.C(colAdministrations).UpdateByID(ctx, in.Admin.ID, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "member_ids", Value: u.ID}}}}); err != nil {
		s.st.C(colUsers).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: u.ID}})
		return fail(fmt.Errorf("add member: %w", err))
	}
	return u, nil
}

// ProfileChange is a PATCH of one's own profile; nil fields stay.
type ProfileChange struct {
	Name *string
	Lang *string
}

// UpdateProfile changes the user's name and language.
func (s *Service) UpdateProfile(ctx context.Context, userID string, ch ProfileChange) (*User, error) {
	set := bson.D{}
	if ch.Name != nil {
		set = append(set, bson.E{Key: "name", Value: strings.TrimSpace(*ch.Name)})
	}
	if ch.Lang != nil {
		set = append(set, bson.E{Key: "lang", Value: *ch.Lang})
	}
	if len(set) > 0 {
		if err := s.updateUser(ctx, userID, set); err != nil {
			return nil, err
		}
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if ch.Name != nil {
		if _, err := s.st.C(colHandles).UpdateByID(ctx, u.Handle, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: u.Name}}}}); err != nil {
			return nil, fmt.Errorf("rename handle: %w", err)
		}
	}
	return u, nil
}

func (s *Service) updateUser(ctx context.Context, userID string, set bson.D) error {
	res, err := s.st.C(colUsers).UpdateByID(ctx, userID, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrUserNotFound
	}
	s.dropUser(userID)
	return nil
}

// ChangePassword checks the current password, stores the new one and ends
// every other session of the user (keepSessionID stays).
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID, current, next string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	ok, err := checkPassword(u.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("check password: %w", err)
	}
	if !ok {
		return problem.ErrInvalid.With(map[string]string{"current_password": FieldWrongPassword})
	}
	if err := s.updateUser(ctx, userID, bson.D{{Key: "password_hash", Value: hashPassword(next)}}); err != nil {
		return err
	}
	return s.RevokeSessions(ctx, userID, keepSessionID)
}

// SetRole changes a user's role; an admin cannot demote themself.
func (s *Service) SetRole(ctx context.Context, actor *User, userID string, role Role) (*User, error) {
	if !authz.Can(authz.ManageUsers, actor.Subject(), authz.Item{OwnerID: userID}) {
		return nil, problem.ErrForbidden
	}
	if actor.ID == userID && role != RoleAdmin {
		return nil, ErrCannotDemoteSelf
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Role == role {
		return u, nil
	}
	rec, err := s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UserRoleChange,
		Target: audit.Target{Kind: "user", ID: u.ID, Label: u.Name},
		Before: map[string]any{"role": string(u.Role)}, After: map[string]any{"role": string(role)}})
	if err != nil {
		return nil, err
	}
	err = s.updateUser(ctx, userID, bson.D{{Key: "role", Value: role}})
	rec.Done(ctx, err)
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T   `json:"items"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

// ListUsers pages users by creation, filtered by a case-insensitive
// substring of name or email. It scans: an admin page, not a hot path.
func (s *Service) ListUsers(ctx context.Context, q string, page, perPage int) (Page[User], error) {
	filter := bson.D{}
	if q = strings.TrimSpace(q); q != "" {
		if !utf8.ValidString(q) || strings.ContainsRune(q, 0) {
			// A BSON regex is a C string: a NUL would make the store fail.
			return Page[User]{}, problem.ErrInvalid.With(map[string]string{"q": problem.FieldControl})
		}
		re := bson.Regex{Pattern: regexp.QuoteMeta(q), Options: "i"}
		filter = bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "name", Value: re}}, bson.D{{Key: "email", Value: re}}}}}
	}
	total, err := s.st.C(colUsers).CountDocuments(ctx, filter)
	if err != nil {
		return Page[User]{}, fmt.Errorf("count users: %w", err)
	}
	cur, err := s.st.C(colUsers).Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}).
		SetSkip(int64((page-1)*perPage)).SetLimit(int64(perPage)))
	if err != nil {
		return Page[User]{}, fmt.Errorf("list users: %w", err)
	}
	items := []User{}
	if err := cur.All(ctx, &items); err != nil {
		return Page[User]{}, fmt.Errorf("read users: %w", err)
	}
	return Page[User]{Items: items, Page: page, PerPage: perPage, Total: total}, nil
}
