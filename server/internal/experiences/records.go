package experiences

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

// recordDoc is a record's head: the current version.
type recordDoc struct {
	ID             string        `bson:"_id"`
	Version        int           `bson:"version"`
	Status         string        `bson:"status"`
	Administration adminDoc      `bson:"administration"`
	CreatedBy      string        `bson:"created_by"`
	CreatedByName  string        `bson:"created_by_name"`
	CreatedAt      time.Time     `bson:"created_at"`
	UpdatedBy      string        `bson:"updated_by"`
	UpdatedByName  string        `bson:"updated_by_name"`
	UpdatedAt      time.Time     `bson:"updated_at"`
	PublishedAt    *time.Time    `bson:"published_at,omitempty"`
	ThreadID       string        `bson:"thread_id,omitempty"`
	Content        []byte        `bson:"content"` // Fields as JSON
	Documents      []documentDoc `bson:"documents"`
	BucketSize     int           `bson:"bucket_size"`
	Moderated      *moderatedDoc `bson:"moderated,omitempty"`
}

// adminDoc is the owning administration as it was when the record began.
type adminDoc struct {
	ID        string `bson:"id"`
	CodiceIPA string `bson:"codice_ipa"`
	Name      string `bson:"name"`
	Category  string `bson:"category"`
	Region    string `bson:"region"`
}

// versionDoc is one stored version.
type versionDoc struct {
	N         int           `bson:"n"`
	Status    string        `bson:"status"`
	ByID      string        `bson:"by_id"`
	ByName    string        `bson:"by_name"`
	At        time.Time     `bson:"at"`
	Changed   []string      `bson:"changed"`
	Content   []byte        `bson:"content"`
	Documents []documentDoc `bson:"documents"`
}

func (d *recordDoc) fields() (Fields, error) {
	var f Fields
	if err := json.Unmarshal(d.Content, &f); err != nil {
		return Fields{}, fmt.Errorf("experience %s: decode content: %w", d.ID, err)
	}
	return f, nil
}

// deleted says whether a moderator deleted the record.
func (d *recordDoc) deleted() bool { return d.Moderated != nil && d.Moderated.State == ModDeleted }

func (d *recordDoc) state() authz.State {
	if d.Status == StatusDraft {
		return authz.Draft
	}
	return 0
}

func (d *recordDoc) item() authz.Item {
	return authz.Item{OwnerID: d.CreatedBy, AdministrationID: d.Administration.ID, State: d.state()}
}

// NewExperience starts a record.
type NewExperience struct {
	Fields Fields `json:"fields"`
}

// Save stores new fields over base_version, the version the form was
// loaded from.
type Save struct {
	BaseVersion int    `json:"base_version" validate:"min=1"`
	Fields      Fields `json:"fields"`
}

// PublishInput publishes the draft as it is at base_version.
type PublishInput struct {
	BaseVersion int `json:"base_version" validate:"min=1"`
}

// Experience is a record as a reader sees it.
type Experience struct {
	ID                 string         `json:"id"`
	Version            int            `json:"version"`
	Status             string         `json:"status"`
	Amministrazione    Administration `json:"amministrazione"`
	Fields             Fields         `json:"fields"`
	SopraSogliaUE      *bool          `json:"sopra_soglia_ue"`
	SogliaUEEur        *Euro          `json:"soglia_ue_eur"`
	Warnings           []Notice       `json:"warnings"`
	LezioniAppreseHTML string         `json:"lezioni_apprese_html"`
	Atti               []Document     `json:"atti"`
	ThreadID           string         `json:"thread_id,omitempty"`
	CreatedByName      string         `json:"created_by_name"`
	CreatedAt          time.Time      `json:"created_at"`
	UpdatedByName      string         `json:"updated_by_name"`
	UpdatedAt          time.Time      `json:"updated_at"`
	PublishedAt        *time.Time     `json:"published_at"`
	CanEdit            bool           `json:"can_edit"`
	// Moderated is set when a moderator hid or deleted the record.
	Moderated *Moderated `json:"moderated,omitempty"`
}

// Administration is the owner of a record.
type Administration struct {
	ID        string `json:"id"`
	CodiceIPA string `json:"codice_ipa"`
	Name      string `json:"name"`
	Category  string `json:"category"`
	Region    string `json:"region"`
}

// Notice is a field's warning or error: a stable code and its text.
type Notice struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// notices turns field -> code into sorted notices in lang.
func notices(m map[string]string, lang string) []Notice {
	out := make([]Notice, 0, len(m))
	for f, code := range m {
		name, _, _ := cutCode(code)
		out = append(out, Notice{Field: f, Code: name, Message: problem.FieldMessage(code, lang)})
	}
	sortNotices(out)
	return out
}

func (s *Service) view(u *account.User, d *recordDoc, lang string) (Experience, error) {
	f, err := d.fields()
	if err != nil {
		return Experience{}, err
	}
	der := Derive(&f, d.Administration.Category)
	e := Experience{
		ID: d.ID, Version: d.Version, Status: d.Status, Fields: f,
		Amministrazione: Administration(d.Administration),
		SopraSogliaUE:   der.SopraSogliaUE, SogliaUEEur: der.SogliaUE, Warnings: notices(der.Warnings, lang),
		LezioniAppreseHTML: markdown.Render(f.LezioniApprese, nil),
		Atti:               documentsView(d.Documents), ThreadID: d.ThreadID,
		CreatedByName: d.CreatedByName, CreatedAt: d.CreatedAt, UpdatedByName: d.UpdatedByName, UpdatedAt: d.UpdatedAt,
		PublishedAt: d.PublishedAt,
		CanEdit:     authz.Can(authz.EditExperience, u.Subject(), d.item()) && !d.deleted(),
	}
	if m := d.Moderated; m != nil {
		e.Moderated = &Moderated{State: m.State, Reason: m.Reason}
	}
	return e, nil
}

// load reads a record's head.
func (s *Service) load(ctx context.Context, id string) (*recordDoc, error) {
	if !randid.Valid(id) {
		return nil, ErrNotFound
	}
	d, ok, err := store.Get[recordDoc](ctx, s.heads, id)
	if err != nil {
		return nil, fmt.Errorf("load experience %s: %w", id, err)
	}
	if !ok {
		return nil, ErrNotFound
	}
	return &d, nil
}

// loadFor reads a record u may see for action: one u may not even read is
// not found (a draft of another administration does not exist for them);
// one they read but may not act on is forbidden.
func (s *Service) loadFor(ctx context.Context, u *account.User, id string, a authz.Action) (*recordDoc, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	sub := u.Subject()
	if !authz.Can(authz.ReadExperience, sub, d.item()) {
		if !authz.Can(authz.TakePart, sub, authz.Item{}) {
			return nil, problem.ErrForbidden
		}
		return nil, ErrNotFound
	}
	if d.Moderated != nil && !seesModerated(sub, d.item()) {
		return d, ErrModerated
	}
	if a != authz.ReadExperience && !authz.Can(a, sub, d.item()) {
		return nil, ErrForbidden
	}
	return d, nil
}

// invalid is the 400 for field codes.
func invalid(fields map[string]string) error { return problem.ErrInvalid.With(fields) }

// Create starts a draft record for u's administration.
func (s *Service) Create(ctx context.Context, u *account.User, in NewExperience, lang string) (Experience, error) {
	if !authz.Can(authz.CreateExperience, u.Subject(), authz.Item{}) {
		return Experience{}, problem.ErrForbidden
	}
	f := in.Fields
	f.normalise()
	errs := Validate(&f, false, s.now())
	if f.Titolo == "" {
		errs["titolo"] = problem.FieldRequired
	}
	if len(errs) > 0 {
		return Experience{}, invalid(errs)
	}
	adm, err := s.deps.Directory.Administration(ctx, u.AdministrationID)
	if err != nil {
		return Experience{}, fmt.Errorf("experience: administration of %s: %w", u.ID, err)
	}
	content, err := json.Marshal(&f)
	if err != nil {
		return Experience{}, fmt.Errorf("experience: encode: %w", err)
	}
	now := s.now()
	d := &recordDoc{ID: randid.New(), Version: 1, Status: StatusDraft,
		Administration: adminDoc{ID: adm.ID, CodiceIPA: adm.CodiceIPA, Name: adm.Name, Category: adm.Category, Region: adm.Region},
		CreatedBy:      u.ID, CreatedByName: u.Name, CreatedAt: now, UpdatedBy: u.ID, UpdatedByName: u.Name, UpdatedAt: now,
		Content: content, Documents: []documentDoc{}, BucketSize: versionLayout.Size}
	changed := changedFields(nil, flatten(&f, nil))
	if err := s.versions.Put(ctx, d.ref(), 1, versionDoc{N: 1, Status: d.Status, ByID: u.ID, ByName: u.Name, At: now,
		Changed: changed, Content: content, Documents: d.Documents}); err != nil {
		return Experience{}, err
	}
	if _, err := s.heads.W.InsertOne(ctx, d); err != nil {
		return Experience{}, fmt.Errorf("insert experience: %w", err)
	}
	s.index.put(d, &f)
	return s.view(u, d, lang)
}

// Get is a record as u may see it.
func (s *Service) Get(ctx context.Context, u *account.User, id, lang string) (Experience, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadExperience)
	if errors.Is(err, ErrModerated) {
		return placeholder(d), nil
	}
	if err != nil {
		return Experience{}, err
	}
	return s.view(u, d, lang)
}

// ConflictError refuses a save made on an older version: Changes are the
// fields changed since, with their current values, for the form to merge.
type ConflictError struct {
	CurrentVersion int      `json:"current_version"`
	Changes        []Change `json:"changes"`
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("experience version conflict: now at %d, %d fields changed", e.CurrentVersion, len(e.Changes))
}

// Unwrap makes it an ErrVersionConflict for the error boundary.
func (e *ConflictError) Unwrap() error { return ErrVersionConflict }

// Update saves new fields as a new version: a published record stays
// published (updated). A save on an older version is refused with a
// *ConflictError and writes nothing.
func (s *Service) Update(ctx context.Context, u *account.User, id string, in Save, lang string) (Experience, error) {
	f := in.Fields
	f.normalise()
	return s.write(ctx, u, id, in.BaseVersion, authz.EditExperience, lang, func(d *recordDoc) (string, []string, error) {
		publish := d.Status != StatusDraft
		if errs := Validate(&f, publish, s.now()); len(errs) > 0 {
			return "", nil, invalid(errs)
		}
		if f.Titolo == "" {
			return "", nil, invalid(map[string]string{"titolo": problem.FieldRequired})
		}
		content, err := json.Marshal(&f)
		if err != nil {
			return "", nil, fmt.Errorf("experience: encode: %w", err)
		}
		old, err := d.fields()
		if err != nil {
			return "", nil, err
		}
		changed := changedFields(flatten(&old, nil), flatten(&f, nil))
		d.Content = content
		status := d.Status
		if status == StatusPublished {
			status = StatusUpdated
		}
		return status, changed, nil
	})
}

// Publish makes a draft visible to everyone and opens its discussion
// thread (through the outbox: a crash after the write still gets it).
func (s *Service) Publish(ctx context.Context, u *account.User, id string, in PublishInput, lang string) (Experience, error) {
	var e Experience
	w, err := s.deps.Outbox.Record(ctx, kindThread, threadWork{RecordID: id, UserID: u.ID})
	if err != nil {
		return Experience{}, err
	}
	e, err = s.write(ctx, u, id, in.BaseVersion, authz.PublishExperience, lang, func(d *recordDoc) (string, []string, error) {
		if d.Status != StatusDraft {
			return "", nil, ErrAlreadyPublished
		}
		f, err := d.fields()
		if err != nil {
			return "", nil, err
		}
		if errs := Validate(&f, true, s.now()); len(errs) > 0 {
			return "", nil, invalid(errs)
		}
		now := s.now()
		d.PublishedAt = &now
		return StatusPublished, []string{"status"}, nil
	})
	if err != nil {
		w.End(nil) // nothing was written: nothing to redo
		return Experience{}, err
	}
	if s.beforeThread != nil {
		if err := s.beforeThread(); err != nil {
			w.End(err)
			return e, nil
		}
	}
	threadID, err := s.ensureThread(ctx, id, u.ID)
	w.End(err)
	if err != nil {
		// The record is published; the thread follows at the next start.
		s.log.Error("open experience thread", "experience", id, "err", err)
		return e, nil
	}
	e.ThreadID = threadID
	return e, nil
}

// write is the one path of every change: under the record's lock, check
// who and the base version, let change edit the head (returning the new
// status and the changed fields), store the version, then the head.
func (s *Service) write(ctx context.Context, u *account.User, id string, base int, a authz.Action, lang string,
	change func(d *recordDoc) (status string, changed []string, err error)) (Experience, error) {
	if !randid.Valid(id) {
		return Experience{}, ErrNotFound
	}
	defer s.lock(id)()
	d, err := s.loadFor(ctx, u, id, a)
	if err != nil {
		return Experience{}, err
	}
	if d.deleted() {
		return Experience{}, ErrModerated
	}
	if base != d.Version {
		return Experience{}, s.conflict(ctx, d, base)
	}
	status, changed, err := change(d)
	if err != nil {
		return Experience{}, err
	}
	now := s.now()
	n := d.Version + 1
	// The event owed to the record's readers is recorded first (live.go).
	w, err := s.recordUpdate(ctx, id, n)
	if err != nil {
		return Experience{}, err
	}
	var keep error // non-nil: the entry stays for the next start
	defer func() { w.End(keep) }()
	v := versionDoc{N: n, Status: status, ByID: u.ID, ByName: u.Name, At: now, Changed: changed, Content: d.Content, Documents: d.Documents}
	// The version first: a crash before the head leaves an unreferenced
	// item the next save overwrites, never a head without its version.
	if err := s.versions.Put(ctx, d.ref(), n, v); err != nil {
		return Experience{}, err
	}
	set := bson.M{"version": n, "status": status, "content": d.Content, "documents": d.Documents,
		"updated_by": u.ID, "updated_by_name": u.Name, "updated_at": now}
	if d.PublishedAt != nil {
		set["published_at"] = *d.PublishedAt
	}
	matched, err := s.deps.Store.UpdateIf(ctx, colHeads, id, bson.M{"version": d.Version}, bson.M{"$set": set})
	if err != nil {
		keep = err // written or not: the next start looks
		return Experience{}, fmt.Errorf("save experience: %w", err)
	}
	if !matched { // another instance saved first
		return Experience{}, s.conflict(ctx, d, base)
	}
	d.Version, d.Status, d.UpdatedBy, d.UpdatedByName, d.UpdatedAt = n, status, u.ID, u.Name, now
	f, err := d.fields()
	if err != nil {
		return Experience{}, err
	}
	s.index.put(d, &f)
	if s.afterWrite != nil {
		keep = s.afterWrite()
	}
	// Still under the record's lock: its events go out in version order.
	if keep == nil {
		if keep = s.publishUpdated(ctx, Updated{ID: id, Version: n, Changed: nonNil(changed), UpdatedAt: now}); keep != nil {
			s.log.Error("publish record update (redone at the next start)", "experience", id, "err", keep)
		}
	}
	return s.view(u, d, lang)
}

// conflict builds the refusal of a save on base: what changed since, with
// the current values and who changed each last.
func (s *Service) conflict(ctx context.Context, d *recordDoc, base int) error {
	cur, err := s.load(ctx, d.ID)
	if err != nil {
		return err
	}
	if base < 1 || base > cur.Version {
		return problem.ErrInvalid.With(map[string]string{"base_version": problem.FieldInvalid})
	}
	diff, err := s.diff(ctx, cur, base, cur.Version)
	if err != nil {
		return err
	}
	return &ConflictError{CurrentVersion: cur.Version, Changes: diff.Changes}
}

func (d *recordDoc) ref() bucket.Ref { return bucket.Ref{Owner: d.ID, Size: d.BucketSize} }
