// Package experiences owns the outsourcing experience records
// (esperienze di esternalizzazione, DOMAIN.md): their fields and rules,
// their versions kept forever, their documents, the list with its filters
// and the discussion thread each has in the forum. It is testable without
// HTTP; the web layer calls it.
//
// Storage (the storage kit's shapes, every read an _id lookup):
//
//	experiences          {_id: random id, version, status, administration, created/updated by and at,
//	                      published_at, thread_id, content: Fields as JSON, documents, bucket_size}
//	experience_versions  {_id: "<record id>#<bucket>", versions: {"<n>": version}}, 20 versions a bucket
//
// The head holds the current version; version n is item n of a bucketed
// list (store/bucket) holding who, when, the fields that changed and the
// whole content then, so that any two versions diff without replaying.
// The content is stored as the JSON the API validated (Fields' wire form):
// a version is exactly what was accepted, and the stored documents carry
// no json tags of their own.
//
// Every stored change is told on the topic experience:<id> as
// experience.updated, through the outbox (live.go); the cells of a record
// (cells.go) are what the comparison table shows and the cell comments
// (package cellnotes) are anchored to.
//
// The list reads an in-memory index of every record's filterable fields
// (index.go), rebuilt from the heads at start-up and kept in step by this
// process's writes.
package experiences

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
	"github.com/cantieri/tavolo/server/internal/store/shard"
)

// Directory finds users and administrations (accounts).
type Directory interface {
	User(ctx context.Context, id string) (*account.User, error)
	Administration(ctx context.Context, id string) (*account.Administration, error)
}

// Forum opens each published record's discussion thread.
type Forum interface {
	Categories(ctx context.Context, lang string) ([]forum.Category, error)
	CreateCategory(ctx context.Context, u *account.User, in forum.CategoryInput, lang string) (forum.Category, error)
	CreateThread(ctx context.Context, u *account.User, in forum.NewThread) (forum.ThreadView, forum.PostView, error)
}

// Attachments stores the documents' files and says who reads them.
type Attachments interface {
	Get(ctx context.Context, id string) (attachment.Attachment, error)
	Attach(ctx context.Context, ownerID string, ids []string, to attachment.Ref) error
	Authorize(kind string, rule attachment.Rule)
}

// Deps are the service's collaborators; all are required but Now and
// Publisher.
type Deps struct {
	Store       *store.Store
	Logger      *slog.Logger
	Directory   Directory
	Forum       Forum
	Attachments Attachments
	Outbox      *outbox.Outbox
	Publisher   Publisher        // nil: no live events (a service without a hub)
	Now         func() time.Time // nil: time.Now
}

// Service is the experiences' domain logic.
type Service struct {
	deps     Deps
	log      *slog.Logger
	heads    store.Collection
	versions *bucket.List[versionDoc]
	index    *index
	locks    [64]sync.Mutex
	// beforeThread, in tests, stops a publish after its write as a crash
	// would (the outbox entry stays for the next start).
	beforeThread func() error
	// beforeLink, in tests, stops a publish between its thread and the link.
	beforeLink func() error
	// afterWrite, in tests, stops a write after its head as a crash
	// would, before its event is published.
	afterWrite func() error
}

const (
	colHeads    = "experiences"
	colVersions = "experience_versions"
	// AttachmentKind is the kind of attachment.Ref of a record's documents.
	AttachmentKind = "experience"
	kindThread     = "experience.thread"
)

var versionLayout = bucket.Layout{Field: "versions", Size: 20, Legacy: 20}

// Record states.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusUpdated   = "updated" // published, then edited
)

// Errors of the domain.
var (
	ErrNotFound         = problem.Define(problem.NotFound, "experience_not_found", "Esperienza non trovata.", "Experience not found.")
	ErrForbidden        = problem.Define(problem.Forbidden, "experience_forbidden", "Non puoi modificare le esperienze di un'altra amministrazione.", "You cannot change another administration's experiences.")
	ErrVersionConflict  = problem.Define(problem.Conflict, "experience_version_conflict", "Qualcuno ha salvato la scheda nel frattempo: confronta le modifiche e riprova.", "Someone saved this record meanwhile: compare the changes and try again.")
	ErrAlreadyPublished = problem.Define(problem.Conflict, "experience_already_published", "L'esperienza è già pubblicata.", "The experience is already published.")
)

// New returns the service; call Init once at start-up, before the outbox's
// Recover.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "experiences"), heads: d.Store.Collection(colHeads),
		versions: bucket.New[versionDoc](d.Store, colVersions, versionLayout), index: newIndex()}
	d.Outbox.Handle(kindThread, s.redoThread)
	d.Outbox.Handle(kindUpdated, s.redoUpdated)
	d.Attachments.Authorize(AttachmentKind, s.fileAccess)
	return s
}

// Init builds the list's index from the stored records.
func (s *Service) Init(ctx context.Context) error { return s.rebuildIndex(ctx) }

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// lock serialises the writes of one record in this process: with the
// version check of each head update (store.UpdateIf), two saves on the
// same base never both pass.
func (s *Service) lock(id string) func() {
	m := &s.locks[shard.Hash(id)%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}
