// Package rooms owns the live rooms: chat rooms beside a comparison table,
// a meeting or a theme. A message is stored before it is acknowledged or
// broadcast, carries its sender's client id (stored, so a resend never
// duplicates) and is numbered by its room (seq 1, 2, 3…). Every hot read is
// an _id lookup:
//
//	rooms          {_id: room id, settings, bucket_size}
//	room_heads     {_id: room id, n}: n is the last seq taken, apart from
//	               the room so that a send rewrites a tiny document (heads.go)
//	room_gone      {_id: room id, seqs}: the seqs that are not messages any
//	               more (deleted) or never were (voids), apart from the room
//	               that every send reads (gone.go)
//	room_index     {_id: "all", ids: [room ids]}
//	room_messages  {_id: "<room id>#<bucket>", messages: {"<seq>": message}} (store/bucket)
//	room_members   {_id: "<room id>/<user id>", joined_at, joined_seq, read_seq,
//	               own: [the member's seqs after read_seq], muted_until, last_sent_at}
//	room_sends     {_id: "<room id>/<user id>/<client id>", seq, hash, msg}
//	               the stored client id: a resend answers this message
//	room_history   {_id: "<room id>-<seq>", versions: [older versions]}
//
// Reports of messages are package moderation's records (Moderation*).
//
// Unread counts come from these numbers alone (unread.go). A send takes a
// seq, records its work in the outbox, stores the client id with the whole
// message, then writes the message into its bucket and publishes it; a
// room's concurrent sends do it together, as one batch of writes
// (commit.go); a crash anywhere in between is healed at start-up (recover.go).
package rooms

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/keylock"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/ratelimit"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
	"github.com/cantieri/tavolo/server/internal/store/group"
	"github.com/cantieri/tavolo/server/internal/store/held"
	"github.com/cantieri/tavolo/server/internal/store/versioned"
)

// Publisher stores an event on a topic, then fans it out (realtime hub).
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (seq int64, err error)
	// PublishAll publishes events in order, none of others between them.
	PublishAll(ctx context.Context, topic, event string, data []any) error
	Head(ctx context.Context, topic string) (int64, error)
}

// TopicAuthorizer takes the subscribe rule of a kind of topic.
type TopicAuthorizer interface {
	Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// Attachments tells who uploaded a file and attaches files to messages.
type Attachments interface {
	Get(ctx context.Context, id string) (attachment.Attachment, error)
	Attach(ctx context.Context, ownerID string, ids []string, to attachment.Ref) error
}

// Directory resolves @handles, users and an administration's members (accounts).
type Directory interface {
	ResolveHandles(ctx context.Context, handles []string) (map[string]account.Mentionable, error)
	MembersOf(ctx context.Context, administrationID string) ([]string, error)
	User(ctx context.Context, id string) (*account.User, error)
}

// Notifier stores in-app notifications and pushes them live.
type Notifier interface {
	Notify(ctx context.Context, in notify.Input) error
}

// Threads opens forum threads (a promoted message).
type Threads interface {
	CreateThread(ctx context.Context, u *account.User, in forum.NewThread) (forum.ThreadView, forum.PostView, error)
}

// Deps are the rooms' collaborators; all are required but Now and the limits.
type Deps struct {
	Store       *store.Store
	Logger      *slog.Logger
	EditWindow  time.Duration
	Publisher   Publisher
	Attachments Attachments
	Directory   Directory
	Notifier    Notifier
	Threads     Threads
	Outbox      *outbox.Outbox
	// Audit records moderators' actions (audit.go); nil: none.
	Audit *audit.Log
	Now   func() time.Time // nil: time.Now
	// SendRate messages per SendPeriod per member and room (0: 20 per 10 s).
	SendRate   int
	SendPeriod time.Duration
}

// Service is the rooms' domain logic.
type Service struct {
	deps     Deps
	log      *slog.Logger
	messages *bucket.List[*messageDoc]
	sends    *ratelimit.Limiter
	slow     slowGate  // slow mode's check and admission, atomic per member
	live     LiveRules // set by RegisterLive; nil in a service without a hub
	// Read-check-write of one member document or one message happens under
	// its stripe (the embedded store has no conditional update on fields).
	memberLocks  keylock.Stripes
	messageLocks keylock.Stripes
	puts         puts
	commits      commits
	apply        applier                  // writes what follows an answered send (apply.go)
	seqs         seqs                     // the rooms' counters on the embedded store (heads.go)
	archives     archives                 // the rooms archived, on the embedded store (heads.go)
	sendInserts  *group.Inserter          // the client ids of all rooms' batches, grouped
	sendDocs     *held.Docs[sendDoc]      // the client ids, held on the sole writer until the applier stores them
	rooms        *versioned.Docs[roomDoc] // kept on the sole writer: a send reads its room's rules
}

const (
	colRooms    = "rooms"
	colHeads    = "room_heads"
	colIndex    = "room_index"
	colMessages = "room_messages"
	colMembers  = "room_members"
	colSends    = "room_sends"
	colGone     = "room_gone"
	colHistory  = "room_history"
	indexID     = "all"
)

// messageLayout keeps 50 messages a bucket: a latest page is one or two reads.
var messageLayout = bucket.Layout{Field: "messages", Size: 50, Legacy: 50}

// New returns the service and registers its pending work with the outbox;
// call Reconcile after the outbox's Recover.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.SendRate == 0 {
		d.SendRate, d.SendPeriod = 20, 10*time.Second
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "rooms"),
		messages: bucket.New[*messageDoc](d.Store, colMessages, messageLayout),
		sends:    ratelimit.New(d.SendRate, d.SendPeriod), sendInserts: group.New(d.Store.C(colSends), commitTimeout),
		sendDocs: held.New[sendDoc](d.Store.Collection(colSends)),
		rooms:    versioned.New(d.Store, colRooms, versioned.Options[roomDoc]{Max: 10000, TTL: time.Minute, Copy: copyRoom})}
	d.Outbox.Handle(kindSent, s.redoSent)
	if d.Audit != nil {
		s.observeAudit(d.Audit)
	}
	return s
}

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// validID tells whether id can be a room id (and so a key in our _ids).
func validID(id string) bool {
	return len(id) >= 16 && len(id) <= 64 && !strings.ContainsAny(id, "/#.$ ")
}

func roomTopic(id string) string { return "room:" + id }
func userTopic(id string) string { return "user:" + id }

func memberID(roomID, userID string) string { return roomID + "/" + userID }

// publish sends an event after the write it describes succeeded; a failed
// publish does not undo the write: clients catch up with after=.
func (s *Service) publish(ctx context.Context, topic, event string, data any) {
	if _, err := s.deps.Publisher.Publish(ctx, topic, event, data); err != nil {
		s.log.Error("publish", "topic", topic, "event", event, "err", err)
	}
}

// head is the topic's latest seq, read before a view's data.
func (s *Service) head(ctx context.Context, topic string) int64 {
	seq, err := s.deps.Publisher.Head(ctx, topic)
	if err != nil {
		s.log.Error("read topic head", "topic", topic, "err", err)
		return 0
	}
	return seq
}
