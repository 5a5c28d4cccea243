package forum

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// Kinds of things a user follows.
const (
	kindThread   = "thread"
	kindCategory = "category"
)

// ReadPosition moves the reader's position in a thread.
type ReadPosition struct {
	N int `json:"n" validate:"min=1"`
}

// MarkRead records that u has read the thread up to post n; the position
// only ever moves forward.
func (s *Service) MarkRead(ctx context.Context, u *account.User, threadID string, in ReadPosition) error {
	if err := problem.Validate(in); err != nil {
		return err
	}
	t, err := s.thread(ctx, threadID)
	if err != nil {
		return err
	}
	if in.N > t.PostCount {
		return problem.ErrInvalid.With(map[string]string{"n": fieldReadN})
	}
	return s.markRead(ctx, u.ID, threadID, in.N)
}

func (s *Service) markRead(ctx context.Context, userID, threadID string, n int) error {
	if !safeKey(userID) {
		return fmt.Errorf("user id %q cannot key a read position", userID)
	}
	defer s.positions.Drop(s.reads.IDOf(userID, threadID))
	if err := s.reads.Max(ctx, userID, threadID, n); err != nil {
		return fmt.Errorf("mark %s read: %w", threadID, err)
	}
	return nil
}

type followsDoc struct {
	Threads    map[string]bool `bson:"threads"`
	Categories map[string]bool `bson:"categories"`
}

func (s *Service) follows(ctx context.Context, userID string) (*followsDoc, error) {
	d, _, err := store.Get[followsDoc](ctx, s.deps.Store.Collection(colFollows), userID)
	if err != nil {
		return nil, fmt.Errorf("load follows: %w", err)
	}
	return &d, nil
}

// FollowThread starts (on) or stops following a thread.
func (s *Service) FollowThread(ctx context.Context, u *account.User, threadID string, on bool) error {
	if _, err := s.thread(ctx, threadID); err != nil {
		return err
	}
	return s.follow(ctx, u.ID, kindThread, threadID, on)
}

// FollowCategory starts (on) or stops following a category's new threads.
func (s *Service) FollowCategory(ctx context.Context, u *account.User, categoryID string, on bool) error {
	if _, err := s.category(ctx, categoryID); err != nil {
		return err
	}
	return s.follow(ctx, u.ID, kindCategory, categoryID, on)
}

// follow writes both directions: the user's list and the target's followers,
// which notifying reads with one lookup. Each write is idempotent.
func (s *Service) follow(ctx context.Context, userID, kind, id string, on bool) error {
	if !safeKey(userID) {
		return fmt.Errorf("user id %q cannot key a follow", userID)
	}
	op := "$unset"
	var val any = ""
	if on {
		op, val = "$set", true
	}
	defer s.followed.Drop(userID)
	upsert := options.UpdateOne().SetUpsert(on)
	field := map[string]string{kindThread: "threads.", kindCategory: "categories."}[kind] + id
	if _, err := s.deps.Store.C(colFollows).UpdateOne(ctx, bson.M{"_id": userID}, bson.M{op: bson.M{field: val}}, upsert); err != nil {
		return fmt.Errorf("follow %s %s: %w", kind, id, err)
	}
	if _, err := s.deps.Store.C(colFollowers).UpdateOne(ctx, bson.M{"_id": kind + ":" + id}, bson.M{op: bson.M{"users." + userID: val}}, upsert); err != nil {
		return fmt.Errorf("follow %s %s: %w", kind, id, err)
	}
	return nil
}

func (s *Service) followers(ctx context.Context, key string) ([]string, error) {
	d, _, err := store.Get[struct {
		Users map[string]bool `bson:"users"`
	}](ctx, s.deps.Store.Collection(colFollowers), key)
	if err != nil {
		return nil, fmt.Errorf("load followers of %s: %w", key, err)
	}
	out := make([]string, 0, len(d.Users))
	for id := range d.Users {
		out = append(out, id)
	}
	return out, nil
}

// Draft is text being written, saved as the user types, as the API
// answers it (openapi.yaml's Draft).
type Draft struct {
	Key       string     `json:"key"`
	Body      string     `json:"body"`
	UpdatedAt *time.Time `json:"updated_at"` // nil: nothing saved
}

// draftDoc is a draft as stored, keyed "<user id>|<key>".
type draftDoc struct {
	Key       string    `bson:"key"`
	Body      string    `bson:"body"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// DraftInput is the text to save.
type DraftInput struct {
	Body string `json:"body" validate:"max=50000,nocontrol"`
}

var draftKey = regexp.MustCompile(`^(thread:new:[a-z0-9-]{1,64}|reply:[0-9]{1,20}(:[0-9]{1,20}-[0-9]{1,9})?|edit:[0-9]{1,20}-[0-9]{1,9})$`)

func draftID(u *account.User, key string) (string, error) {
	if !draftKey.MatchString(key) {
		return "", problem.ErrInvalid.With(map[string]string{"key": fieldDraftKey})
	}
	return u.ID + "|" + key, nil
}

// SaveDraft stores the text under key, replacing what was there.
func (s *Service) SaveDraft(ctx context.Context, u *account.User, key string, in DraftInput) (Draft, error) {
	id, err := draftID(u, key)
	if err != nil {
		return Draft{}, err
	}
	if err := problem.Validate(in); err != nil {
		return Draft{}, err
	}
	now := s.now()
	d := draftDoc{Key: key, Body: in.Body, UpdatedAt: now}
	if _, err := s.deps.Store.C(colDrafts).ReplaceOne(ctx, bson.M{"_id": id}, d, options.Replace().SetUpsert(true)); err != nil {
		return Draft{}, fmt.Errorf("save draft: %w", err)
	}
	return Draft{Key: key, Body: in.Body, UpdatedAt: &now}, nil
}

// Draft returns the text saved under key; with nothing saved, an empty
// draft with no updated_at (the client asks on every composer it opens).
func (s *Service) Draft(ctx context.Context, u *account.User, key string) (Draft, error) {
	id, err := draftID(u, key)
	if err != nil {
		return Draft{}, err
	}
	d, ok, err := store.Get[draftDoc](ctx, s.deps.Store.Collection(colDrafts), id)
	if err != nil {
		return Draft{}, fmt.Errorf("load draft: %w", err)
	}
	if !ok {
		return Draft{Key: key}, nil
	}
	return Draft{Key: d.Key, Body: d.Body, UpdatedAt: &d.UpdatedAt}, nil
}

// DeleteDraft forgets the text under key (after posting); absent is fine.
func (s *Service) DeleteDraft(ctx context.Context, u *account.User, key string) error {
	id, err := draftID(u, key)
	if err != nil {
		return err
	}
	if _, err := s.deps.Store.C(colDrafts).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}
