package cellnotes

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

// headDoc numbers an experience's comments and lists them by cell.
type headDoc struct {
	ID         string           `bson:"_id"`
	Next       int              `bson:"next"`
	BucketSize int              `bson:"bucket_size"`
	Fields     map[string][]int `bson:"fields"`
}

func (h *headDoc) ref() bucket.Ref { return bucket.Ref{Owner: h.ID, Size: h.BucketSize} }

// noteDoc is a stored comment: its markdown as typed, and the cell's value
// (canonical JSON, nil when not given) at the version it was written on.
type noteDoc struct {
	ID                 string    `bson:"id"`
	N                  int       `bson:"n"`
	Field              string    `bson:"field"`
	AuthorID           string    `bson:"author_id"`
	AuthorName         string    `bson:"author_name"`
	AdministrationName string    `bson:"administration_name"`
	Body               string    `bson:"body"`
	CreatedAt          time.Time `bson:"created_at"`
	Version            int       `bson:"version"`
	Value              []byte    `bson:"value,omitempty"`
	// Moderated is set when a moderator hid or deleted the comment.
	Moderated *moderatedDoc `bson:"moderated,omitempty"`
}

// CellCommentInput is a new comment on one cell.
type CellCommentInput struct {
	Field string `json:"field" validate:"required,max=80"`
	Body  string `json:"body" validate:"required,notblank,max=2000,nocontrol"`
}

// Author is who wrote a comment, as they were then.
type Author struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	AdministrationName string `json:"administration_name"`
}

// CellComment is a comment as readers see it: the cell's value when it was
// written and now, both shown in the reader's language.
type CellComment struct {
	ID           string `json:"id"`
	ExperienceID string `json:"experience_id"`
	// ModerationID names the comment in a report ("<experience id>-<n>").
	ModerationID string    `json:"moderation_id"`
	Field        string    `json:"field"`
	Author       Author    `json:"author"`
	BodyHTML     string    `json:"body_html"`
	CreatedAt    time.Time `json:"created_at"`
	Version      int       `json:"version"`
	ValueThen    string    `json:"value_then"`
	ValueNow     string    `json:"value_now"`
	Changed      bool      `json:"changed"`
	// Moderated is set when a moderator hid or deleted the comment: its
	// author and moderators read it with the reason, others a placeholder
	// (no body).
	Moderated *Moderated `json:"moderated,omitempty"`
}

// List is a cell's comments, oldest first.
type List struct {
	Items []CellComment `json:"items"`
}

// CommentCounts are the number of comments of each cell that has any, by
// record.
type CommentCounts struct {
	Counts map[string]map[string]int `json:"counts"`
}

// checkCell refuses a key that names no cell.
func checkCell(field string) error {
	if !experiences.IsCellKey(field) {
		return problem.ErrInvalid.With(map[string]string{"field": fieldUnknownCell})
	}
	return nil
}

// readable is record id's cells when u may do a on them: a record u may
// not read is not found (as the record itself).
func (s *Service) readable(ctx context.Context, u *account.User, id string, a authz.Action) (experiences.Cells, error) {
	c, err := s.deps.Records.CellsFor(ctx, u, id)
	if err != nil {
		return experiences.Cells{}, err
	}
	if !authz.Can(a, u.Subject(), c.Item) {
		return experiences.Cells{}, problem.ErrForbidden
	}
	return c, nil
}

// Post stores u's comment on a cell of record id.
func (s *Service) Post(ctx context.Context, u *account.User, id string, in CellCommentInput, lang string) (_ CellComment, err error) {
	if err := problem.Validate(in); err != nil {
		return CellComment{}, err
	}
	if err := checkCell(in.Field); err != nil {
		return CellComment{}, err
	}
	cells, err := s.readable(ctx, u, id, authz.CommentCell)
	if err != nil {
		return CellComment{}, err
	}
	if ok, wait := s.rate.Allow(u.ID); !ok {
		e := problem.ErrTooMany.Wrap(nil)
		e.RetryAfter = wait
		return CellComment{}, e
	}
	n, h, err := s.take(ctx, id)
	if err != nil {
		return CellComment{}, err
	}
	note := noteDoc{ID: randid.New(), N: n, Field: in.Field, AuthorID: u.ID, AuthorName: u.Name, AdministrationName: u.AdministrationName,
		Body: in.Body, CreatedAt: s.now(), Version: cells.Version, Value: cells.Values[in.Field]}
	w, err := s.deps.Outbox.Record(ctx, kindCreated, createdWork{ExperienceID: id, BucketSize: h.BucketSize, Note: note})
	if err != nil {
		return CellComment{}, err
	}
	defer func() { w.End(err) }()
	if s.afterNumber != nil {
		if err := s.afterNumber(); err != nil {
			return CellComment{}, err
		}
	}
	if err := s.complete(ctx, id, h.ref(), &note); err != nil {
		return CellComment{}, err
	}
	return s.view(u, id, &note, cells, lang), nil
}

// take numbers a new comment of record id, creating its head.
func (s *Service) take(ctx context.Context, id string) (int, *headDoc, error) {
	var h headDoc
	var err error
	// Two first comments at once may both insert the head: on MongoDB the
	// loser's upsert fails on the _id, and its retry finds the head.
	for range 2 {
		err = s.heads.W.FindOneAndUpdate(ctx, bson.M{"_id": id},
			bson.M{"$inc": bson.M{"next": 1}, "$setOnInsert": bson.M{bucket.SizeField: itemLayout.Size, "fields": bson.M{}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&h)
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return 0, nil, fmt.Errorf("number comment of %s: %w", id, err)
	}
	return h.Next, &h, nil
}

// complete stores a numbered comment, lists it under its cell and tells
// the record's readers; each step may run again (a redo).
func (s *Service) complete(ctx context.Context, id string, r bucket.Ref, note *noteDoc) error {
	if err := s.items.Put(ctx, r, note.N, *note); err != nil {
		return err
	}
	if _, err := s.heads.W.UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$addToSet": bson.M{"fields." + headKey(note.Field): note.N}}); err != nil {
		return fmt.Errorf("list comment %d of %s: %w", note.N, id, err)
	}
	return s.publish(ctx, id, note, EventCreated)
}

// publish tells the record's topic of a comment as any reader sees it (a
// moderated one without its text or reason: every subscriber gets the same
// frame), in Italian (the board's language; a client shows the comment as
// it comes and refetches in its own).
func (s *Service) publish(ctx context.Context, id string, note *noteDoc, event string) error {
	if s.deps.Publisher == nil {
		return nil
	}
	cells, err := s.deps.Records.CellsOf(ctx, []string{id})
	if err != nil {
		return err
	}
	c, ok := cells[id]
	if !ok {
		return nil // the record is gone
	}
	if _, err := s.deps.Publisher.Publish(ctx, experiences.Topic(id), event, s.view(nil, id, note, c, "it")); err != nil {
		return fmt.Errorf("publish %s on %s: %w", event, id, err)
	}
	return nil
}

// createdWork is the outbox entry of a post: the whole comment.
type createdWork struct {
	ExperienceID string  `bson:"experience_id"`
	BucketSize   int     `bson:"bucket_size"`
	Note         noteDoc `bson:"note"`
}

func (s *Service) redoCreated(ctx context.Context, w *outbox.Work) error {
	var cw createdWork
	if err := w.Entry().Decode(&cw); err != nil {
		return err
	}
	return s.complete(ctx, cw.ExperienceID, bucket.Ref{Owner: cw.ExperienceID, Size: cw.BucketSize}, &cw.Note)
}

// view is a stored comment as u, a reader in lang, sees it, against the
// record's current cells.
func (s *Service) view(u *account.User, id string, n *noteDoc, cells experiences.Cells, lang string) CellComment {
	now := cells.Values[n.Field]
	c := CellComment{ID: n.ID, ExperienceID: id, Field: n.Field,
		Author:   Author{ID: n.AuthorID, Name: n.AuthorName, AdministrationName: n.AdministrationName},
		BodyHTML: markdown.Render(n.Body, nil), CreatedAt: n.CreatedAt, Version: n.Version,
		ValueThen: Display(n.Field, n.Value, lang), ValueNow: Display(n.Field, now, lang),
		Changed: !bytes.Equal(n.Value, now), ModerationID: CommentID(id, n.N)}
	if m := n.Moderated; m != nil {
		c.Moderated = &Moderated{State: m.State}
		if seesNote(u, n) {
			c.Moderated.Reason = m.Reason
		} else {
			c.BodyHTML = ""
		}
	}
	return c
}

// head reads record id's head; a record without comments has an empty one.
func (s *Service) head(ctx context.Context, id string) (headDoc, error) {
	h, ok, err := store.Get[headDoc](ctx, s.heads, id)
	if err != nil {
		return headDoc{}, err
	}
	if !ok {
		return headDoc{ID: id, BucketSize: itemLayout.Size}, nil
	}
	return h, nil
}

// load reads the comments numbered ns of h, oldest first, one read a
// bucket that holds any.
func (s *Service) load(ctx context.Context, h *headDoc, ns []int) ([]noteDoc, error) {
	ns = slices.Clone(ns)
	slices.Sort(ns)
	r := h.ref()
	var out []noteDoc
	for i := 0; i < len(ns); {
		first := itemLayout.First(r, ns[i])
		last := first + itemLayout.SizeOf(r) - 1
		items, err := s.items.Load(ctx, r, first, first)
		if err != nil {
			return nil, err
		}
		for ; i < len(ns) && ns[i] <= last; i++ {
			if it, ok := items[ns[i]]; ok {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// Comments lists the comments on a cell of record id (every cell when
// field is ""), oldest first.
func (s *Service) Comments(ctx context.Context, u *account.User, id, field, lang string) (List, error) {
	if field != "" {
		if err := checkCell(field); err != nil {
			return List{}, err
		}
	}
	cells, err := s.readable(ctx, u, id, authz.ReadCellComments)
	if err != nil {
		return List{}, err
	}
	h, err := s.head(ctx, id)
	if err != nil {
		return List{}, err
	}
	var ns []int
	for k, list := range h.Fields {
		if field == "" || cellKey(k) == field {
			ns = append(ns, list...)
		}
	}
	notes, err := s.load(ctx, &h, ns)
	if err != nil {
		return List{}, err
	}
	out := List{Items: make([]CellComment, 0, len(notes))}
	for i := range notes {
		out.Items = append(out.Items, s.view(u, id, &notes[i], cells, lang))
	}
	return out, nil
}

// errIDs refuses a counts request of no record, over MaxIDs or with a
// repeated one.
var errIDs = problem.DefineField("ids", "Da 1 a 50 identificativi distinti, separati da virgole.", "1 to 50 distinct ids, separated by commas.")

// Counts are the comments of each cell of the records ids that u may read
// (the others are left out), from the lists of the heads.
func (s *Service) Counts(ctx context.Context, u *account.User, ids []string) (CommentCounts, error) {
	if len(ids) == 0 || len(ids) > MaxIDs {
		return CommentCounts{}, problem.ErrInvalid.With(map[string]string{"ids": errIDs})
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return CommentCounts{}, problem.ErrInvalid.With(map[string]string{"ids": errIDs})
		}
		seen[id] = true
	}
	cells, err := s.deps.Records.CellsOf(ctx, ids)
	if err != nil {
		return CommentCounts{}, err
	}
	var readable []string
	for _, id := range ids {
		if c, ok := cells[id]; ok && c.Readable(u.Subject(), authz.ReadCellComments) {
			readable = append(readable, id)
		}
	}
	out := CommentCounts{Counts: make(map[string]map[string]int, len(readable))}
	if len(readable) == 0 {
		return out, nil
	}
	heads, err := store.Load[headDoc](ctx, s.heads, readable)
	if err != nil {
		return CommentCounts{}, err
	}
	for i, id := range readable {
		m := map[string]int{}
		for k, list := range heads[i].Fields {
			if len(list) > 0 {
				m[cellKey(k)] = len(list)
			}
		}
		out.Counts[id] = m
	}
	return out, nil
}

// ExportComment is a comment as the comparison's export writes it.
type ExportComment struct {
	ExperienceID       string
	Field              string
	AuthorName         string
	AdministrationName string
	CreatedAt          time.Time
	Version            int
	ValueThen          string // the cell's value then, in Italian
	Body               string // plain text
}

// ForExport is every comment on the records expIDs, for an export whose
// caller has checked who may read them: by record in the order given, then
// by cell in form order, then oldest first. Unknown ids have none.
func (s *Service) ForExport(ctx context.Context, expIDs []string) ([]ExportComment, error) {
	if len(expIDs) == 0 {
		return nil, nil
	}
	heads, err := store.Load[headDoc](ctx, s.heads, expIDs)
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, k := range experiences.CellKeys() {
		rank[k] = i
	}
	var out []ExportComment
	for i, id := range expIDs {
		h := heads[i]
		if h.ID == "" {
			continue
		}
		var ns []int
		for _, list := range h.Fields {
			ns = append(ns, list...)
		}
		notes, err := s.load(ctx, &h, ns)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(notes, func(a, b int) bool {
			if ra, rb := rank[notes[a].Field], rank[notes[b].Field]; ra != rb {
				return ra < rb
			}
			return notes[a].N < notes[b].N
		})
		for _, n := range notes {
			if n.Moderated != nil { // a moderator took it out of the discussion
				continue
			}
			out = append(out, ExportComment{ExperienceID: id, Field: n.Field, AuthorName: n.AuthorName,
				AdministrationName: n.AdministrationName, CreatedAt: n.CreatedAt, Version: n.Version,
				ValueThen: Display(n.Field, n.Value, "it"), Body: markdown.PlainText(n.Body)})
		}
	}
	return out, nil
}

// ParseIDs splits "a,b,c" (the counts' query parameter).
func ParseIDs(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if t := string(bytes.TrimSpace(p)); t != "" {
			out = append(out, t)
		}
	}
	return out
}
