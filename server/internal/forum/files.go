package forum

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/authz"
)

// fileKindPost is the kind of attachment.Ref naming a post ("<thread>-<n>").
const fileKindPost = "post"

// FileAuthorizer takes the rule that says who reads the files of a kind of
// thing (the attachment store).
type FileAuthorizer interface {
	Authorize(kind string, rule attachment.Rule)
}

// RegisterFiles sets who reads a post's files: whoever may read the post;
// once it is deleted, moderators and admins only.
func (s *Service) RegisterFiles(a FileAuthorizer) {
	a.Authorize(fileKindPost, s.postAccess)
}

func (s *Service) postAccess(ctx context.Context, u *account.User, id string) (attachment.Access, error) {
	_, p, err := s.postByID(ctx, id)
	if errors.Is(err, ErrPostNotFound) {
		return attachment.Gone, nil
	}
	if err != nil {
		return attachment.Hidden, err
	}
	if !authz.Can(authz.ReadPostFiles, u.Subject(), authz.Item{OwnerID: p.Author.ID, State: postState(p.Deleted)}) {
		return attachment.Hidden, nil
	}
	return attachment.Visible, nil
}

// attachFiles gives the post the files its author listed or names by URL
// in its body (the composer inserts markdown links and images). It runs
// before the post is stored: a post never stored leaves them its author's.
func (s *Service) attachFiles(ctx context.Context, u *account.User, postID string, listed []fileDoc, body string) error {
	ids := attachment.IDsIn(body)
	for _, a := range listed {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := s.deps.Attachments.Attach(ctx, u.ID, ids, attachment.Ref{Kind: fileKindPost, ID: postID}); err != nil {
		return fmt.Errorf("attach files to %s: %w", postID, err)
	}
	return nil
}

// fileRefsMigrated marks, in forum_counters, that the files of posts
// stored before files had owners' rules were attached to them.
const fileRefsMigrated = "file_refs"

// migrateFileRefs attaches, once, every stored post's files (listed, or
// named in its body and uploaded by its author) to the post, so that links
// in old posts keep working for their readers. Files of posts deleted
// before it are no longer named anywhere and stay their owners' alone.
func (s *Service) migrateFileRefs(ctx context.Context) error {
	if done, err := s.migrated(ctx, fileRefsMigrated); err != nil || done {
		return err
	}
	cur, err := s.deps.Store.R(colPosts).Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("migrate files: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var b struct {
			ID    string              `bson:"_id"`
			Posts map[string]*postDoc `bson:"posts"`
		}
		if err := cur.Decode(&b); err != nil {
			return fmt.Errorf("migrate files: %w", err)
		}
		threadID, _, _ := strings.Cut(b.ID, "#")
		for _, p := range b.Posts {
			if p.Deleted {
				continue
			}
			author := &account.User{ID: p.Author.ID}
			if err := s.attachFiles(ctx, author, postID(threadID, p.N), p.Attachments, p.Body); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("migrate files: %w", err)
	}
	if _, err := s.deps.Store.C(colCounters).UpdateOne(ctx, bson.M{"_id": fileRefsMigrated}, bson.M{"$set": bson.M{"n": 1}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("record file migration: %w", err)
	}
	return nil
}
