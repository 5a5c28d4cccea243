// Package notify keeps each user's in-app notifications and announces
// changes on the user's realtime topic.
//
// Storage, so that the unread count and the latest page are _id reads:
//
//	notification_heads   {_id: user_id, n, unread, read_upto, bucket_size}   n = number of the latest notification
//	notification_buckets {_id: "<user_id>#<bucket>", items: {"<n>": item}}   bucket = n / bucket_size
//
// The list is the storage kit's bucketed list (store/bucket).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

const (
	// PerPage notifications make a page of the list.
	PerPage = 20
	// bucketSize notifications share a document for users whose head is
	// created from now on: the embedded store rewrites the whole bucket
	// for every notification (~3 ms at 50, a page's worth is enough).
	// Heads without bucket_size keep legacyBucket.
	bucketSize   = PerPage
	legacyBucket = 50
	maxExcerpt   = 200
)

// Kinds of notification.
const (
	KindReply            = "reply"
	KindMention          = "mention"
	KindFollowedThread   = "followed_thread"
	KindFollowedCategory = "followed_category"
	// A moderator's action on the user's item (package moderation):
	// ThreadID is its place (thread or room), PostID the moderation
	// record's id ("post:<post id>", "message:<room id>-<seq>"), Excerpt
	// the reason.
	KindModerationHidden  = "moderation_hidden"
	KindModerationDeleted = "moderation_deleted"
	KindModerationWarning = "moderation_warning"
)

// Events on the user:<id> topic.
const (
	EventCreated = "notification.created"
	EventRead    = "notification.read"
)

// Publisher is the realtime hub as notify uses it.
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (int64, error)
	Head(ctx context.Context, topic string) (int64, error)
}

// Input is one thing that happened, to tell several users about.
type Input struct {
	UserIDs                                                          []string
	Kind, ThreadID, PostID, ThreadTitle, ActorID, ActorName, Excerpt string
	// Redo, when set, is when the work that notifies began: work redone
	// after a crash skips the users who already have a notification of
	// Kind about PostID from since then, so nobody is told twice.
	Redo time.Time
}

// Notification is one entry of a user's list as the API answers it and
// as notification.created carries it (openapi.yaml's Notification). The
// stored entry is kept apart so that either can change alone.
type Notification struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	ThreadID    string    `json:"thread_id"`
	PostID      string    `json:"post_id"`
	ThreadTitle string    `json:"thread_title"`
	ActorName   string    `json:"actor_name"`
	Excerpt     string    `json:"excerpt"`
	CreatedAt   time.Time `json:"created_at"`
	Read        bool      `json:"read"`
}

// entry is a notification as stored in its bucket; its number in the
// user's list is its id.
type entry struct {
	Kind        string    `bson:"kind"`
	ThreadID    string    `bson:"thread_id"`
	PostID      string    `bson:"post_id"`
	ThreadTitle string    `bson:"thread_title"`
	ActorName   string    `bson:"actor_name"`
	Excerpt     string    `bson:"excerpt"`
	CreatedAt   time.Time `bson:"created_at"`
	Read        bool      `bson:"read"`
}

// wire is entry n as its user gets it; read: also read by the user's
// mark-all (read_upto).
func (e entry) wire(n int64, read bool) Notification {
	return Notification{ID: strconv.FormatInt(n, 10), Kind: e.Kind, ThreadID: e.ThreadID, PostID: e.PostID,
		ThreadTitle: e.ThreadTitle, ActorName: e.ActorName, Excerpt: e.Excerpt, CreatedAt: e.CreatedAt, Read: e.Read || read}
}

// Page is the list view: seq is the head of the user's topic read before
// the list, so a client subscribing with since=seq misses nothing.
type Page struct {
	Items   []Notification `json:"items"`
	Unread  int64          `json:"unread"`
	Seq     int64          `json:"seq"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Total   int64          `json:"total"`
}

// ReadEvent is the data of notification.read.
type ReadEvent struct {
	IDs    []string `json:"ids,omitempty"`
	All    bool     `json:"all,omitempty"`
	Unread int64    `json:"unread"`
}

// Service stores and announces notifications.
type Service struct {
	heads   store.Collection
	buckets *bucket.List[entry]
	pub     Publisher
	log     *slog.Logger
}

// New returns the service.
func New(st *store.Store, pub Publisher, log *slog.Logger) *Service {
	return &Service{heads: st.Collection("notification_heads"),
		buckets: bucket.New[entry](st, "notification_buckets", bucket.Layout{Field: "items", Size: bucketSize, Legacy: legacyBucket}),
		pub:     pub, log: log}
}

type head struct {
	userID     string
	N          int64 `bson:"n"`
	Unread     int64 `bson:"unread"`
	ReadUpto   int64 `bson:"read_upto"`
	BucketSize int64 `bson:"bucket_size"` // 0: legacyBucket
}

// list names the user's list of notifications.
func (h head) list() bucket.Ref { return bucket.Ref{Owner: h.userID, Size: int(h.BucketSize)} }

// Topic is the realtime topic of a user's notifications.
func Topic(userID string) string { return "user:" + userID }

// Notify stores a notification for every user in in.UserIDs except the
// actor (each once), then announces it. A failure for one user is logged
// and the rest still get theirs; the first error is returned.
func (s *Service) Notify(ctx context.Context, in Input) error {
	excerpt := in.Excerpt
	if utf8.RuneCountInString(excerpt) > maxExcerpt {
		excerpt = string([]rune(excerpt)[:maxExcerpt-1]) + "…"
	}
	item := entry{
		Kind: in.Kind, ThreadID: in.ThreadID, PostID: in.PostID, ThreadTitle: in.ThreadTitle,
		ActorName: in.ActorName, Excerpt: excerpt, CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
	}
	var first error
	seen := map[string]bool{}
	for _, uid := range in.UserIDs {
		if uid == "" || uid == in.ActorID || seen[uid] {
			continue
		}
		seen[uid] = true
		if !in.Redo.IsZero() {
			had, err := s.has(ctx, uid, in.Kind, in.PostID, in.Redo)
			if err != nil {
				s.log.Error("notify: check earlier", "user_id", uid, "kind", in.Kind, "err", err)
				if first == nil {
					first = err
				}
				continue
			}
			if had {
				continue
			}
		}
		if err := s.notifyOne(ctx, uid, item); err != nil {
			s.log.Error("notify", "user_id", uid, "kind", in.Kind, "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *Service) notifyOne(ctx context.Context, userID string, item entry) error {
	h := head{userID: userID}
	err := s.heads.W.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: userID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}, {Key: "unread", Value: 1}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: bucket.SizeField, Value: int64(s.buckets.Size)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&h)
	if err != nil {
		return fmt.Errorf("notify: next number for %s: %w", userID, err)
	}
	if err := s.buckets.Put(ctx, h.list(), int(h.N), item); err != nil {
		return fmt.Errorf("notify: store for %s: %w", userID, err)
	}
	if _, err := s.pub.Publish(ctx, Topic(userID), EventCreated, item.wire(h.N, false)); err != nil {
		return fmt.Errorf("notify: publish for %s: %w", userID, err)
	}
	return nil
}

// has reports whether the user has a notification of kind about postID
// created at or after since, reading the newest buckets back to since: the redo of a
// crash reads the few buckets written after it.
func (s *Service) has(ctx context.Context, userID, kind, postID string, since time.Time) (bool, error) {
	h, err := s.head(ctx, userID)
	if err != nil {
		return false, err
	}
	for hi := h.N; hi >= 1; {
		lo := max(int64(s.buckets.First(h.list(), int(hi))), 1)
		items, err := s.items(ctx, h, lo, hi)
		if err != nil {
			return false, err
		}
		older := false
		for _, it := range items {
			if it.PostID == postID && it.Kind == kind && !it.CreatedAt.Before(since) {
				return true, nil
			}
			older = older || it.CreatedAt.Before(since)
		}
		if older {
			return false, nil
		}
		hi = lo - 1
	}
	return false, nil
}

// List returns page (1-based) of the user's notifications, newest first.
func (s *Service) List(ctx context.Context, userID string, page int) (Page, error) {
	seq, err := s.pub.Head(ctx, Topic(userID))
	if err != nil {
		return Page{}, fmt.Errorf("notify: topic head: %w", err)
	}
	out := Page{Items: []Notification{}, Seq: seq}
	h, err := s.head(ctx, userID)
	if err != nil {
		return out, err
	}
	out.Unread = max(h.Unread, 0)
	page = max(page, 1)
	out.Page, out.PerPage, out.Total = page, PerPage, h.N
	hi := h.N - int64(page-1)*PerPage
	lo := max(hi-PerPage+1, 1)
	if hi < 1 {
		return out, nil
	}
	items, err := s.items(ctx, h, lo, hi)
	if err != nil {
		return out, err
	}
	for n := hi; n >= lo; n-- {
		it, ok := items[n]
		if !ok {
			continue // numbered but never stored (a crash between the two writes)
		}
		out.Items = append(out.Items, it.wire(n, n <= h.ReadUpto))
	}
	return out, nil
}

func (s *Service) head(ctx context.Context, userID string) (head, error) {
	h := head{userID: userID}
	err := s.heads.R.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&h)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return h, fmt.Errorf("notify: read head of %s: %w", userID, err)
	}
	return h, nil
}

// items reads the notifications numbered lo..hi (at most two buckets for
// one page).
func (s *Service) items(ctx context.Context, h head, lo, hi int64) (map[int64]entry, error) {
	all, err := s.buckets.Load(ctx, h.list(), int(lo), int(hi))
	if err != nil {
		return nil, fmt.Errorf("notify: read buckets of %s: %w", h.userID, err)
	}
	out := make(map[int64]entry, len(all))
	for n, it := range all {
		if n >= int(lo) && n <= int(hi) {
			out[int64(n)] = it
		}
	}
	return out, nil
}

// MarkRead marks the given notifications read, or all of them when ids is
// empty, then announces the new unread count. Unknown ids are ignored.
func (s *Service) MarkRead(ctx context.Context, userID string, ids []string) error {
	h, err := s.head(ctx, userID)
	if err != nil {
		return err
	}
	ev := ReadEvent{All: len(ids) == 0}
	if ev.All {
		// $inc by what was unread when read, so a notification arriving
		// meanwhile stays counted.
		if _, err := s.heads.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: userID}}, bson.D{
			{Key: "$max", Value: bson.D{{Key: "read_upto", Value: h.N}}},
			{Key: "$inc", Value: bson.D{{Key: "unread", Value: -h.Unread}}},
		}); err != nil {
			return fmt.Errorf("notify: mark all read for %s: %w", userID, err)
		}
		ev.Unread = 0
	} else {
		marked, err := s.markSome(ctx, userID, h, ids)
		if err != nil {
			return err
		}
		if len(marked) == 0 {
			return nil
		}
		ev.IDs = marked
		ev.Unread = max(h.Unread-int64(len(marked)), 0)
	}
	if _, err := s.pub.Publish(ctx, Topic(userID), EventRead, ev); err != nil {
		return fmt.Errorf("notify: publish read for %s: %w", userID, err)
	}
	return nil
}

// markSome marks the listed notifications that are still unread and
// returns their ids.
func (s *Service) markSome(ctx context.Context, userID string, h head, ids []string) ([]string, error) {
	var nums []int64
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err == nil && n > h.ReadUpto && n <= h.N && !slices.Contains(nums, n) {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return nil, nil
	}
	// Read only the buckets holding the listed numbers, each once.
	items := map[int64]entry{}
	read := map[int64]bool{}
	for _, n := range nums {
		lo := int64(s.buckets.First(h.list(), int(n)))
		if read[lo] {
			continue
		}
		read[lo] = true
		got, err := s.items(ctx, h, lo, lo+int64(s.buckets.SizeOf(h.list()))-1)
		if err != nil {
			return nil, err
		}
		maps.Copy(items, got)
	}
	var marked []string
	for _, n := range nums {
		it, ok := items[n]
		if !ok || it.Read {
			continue
		}
		key := strconv.FormatInt(n, 10)
		if err := s.buckets.Update(ctx, h.list(), int(n), bson.M{"$set": bson.M{s.buckets.Path(int(n), "read"): true}}); err != nil {
			return nil, fmt.Errorf("notify: mark %s read for %s: %w", key, userID, err)
		}
		marked = append(marked, key)
	}
	if len(marked) > 0 {
		if _, err := s.heads.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: userID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "unread", Value: -len(marked)}}}}); err != nil {
			return nil, fmt.Errorf("notify: count read for %s: %w", userID, err)
		}
	}
	return marked, nil
}
