package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/mailer"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

type reset struct {
	ID        string    `bson:"_id"` // hash of the token
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// RequestReset mails a reset link when email belongs to an account, and
// says nothing either way (no account enumeration).
func (s *Service) RequestReset(ctx context.Context, email string) error {
	u, err := s.userByEmail(ctx, email)
	if errors.Is(err, ErrUserNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token := newToken()
	now := s.now().UTC().Truncate(time.Millisecond)
	r := reset{ID: hashToken(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}
	if _, err := s.st.C(colResets).InsertOne(ctx, r); err != nil {
		return fmt.Errorf("insert reset: %w", err)
	}
	link := s.opt.PublicURL + "/reset/" + token
	subject, text := "Tavolo: reimposta la password",
		"Per scegliere una nuova password apri questo link entro un'ora:\n"+link+"\n\nSe non l'hai chiesto tu, ignora questo messaggio.\n"
	if u.Lang == "en" {
		subject, text = "Tavolo: reset your password",
			"To choose a new password open this link within an hour:\n"+link+"\n\nIf you did not ask for it, ignore this message.\n"
	}
	s.sendMail(mailer.Message{To: u.Email, Subject: subject, Text: text})
	return nil
}

// ResetPassword sets a new password through a reset link, once, and ends
// every session of the user.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if token == "" || len(token) > 128 {
		return ErrTokenInvalid
	}
	var r reset
	if err := s.st.C(colResets).FindOne(ctx, bson.D{{Key: "_id", Value: hashToken(token)}}).Decode(&r); err != nil {
		if notFound(err) {
			return ErrTokenInvalid
		}
		return fmt.Errorf("find reset: %w", err)
	}
	if !s.now().Before(r.ExpiresAt) {
		return ErrTokenExpired
	}
	if err := s.spend(ctx, "reset", r.ID); err != nil {
		return err
	}
	if err := s.updateUser(ctx, r.UserID, bson.D{{Key: "password_hash", Value: hashPassword(password)}}); err != nil {
		return err
	}
	return s.RevokeSessions(ctx, r.UserID, "")
}

func fieldError(field, code string) error {
	return problem.ErrInvalid.With(map[string]string{field: code})
}
