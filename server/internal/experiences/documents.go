package experiences

import (
	"context"
	"errors"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// documentDoc is a stored document (atto): a file of the attachment store
// and its type.
type documentDoc struct {
	FileID      string    `bson:"file_id"`
	Tipo        string    `bson:"tipo"`
	Name        string    `bson:"name"`
	ContentType string    `bson:"content_type"`
	Size        int64     `bson:"size"`
	AddedByName string    `bson:"added_by_name"`
	AddedAt     time.Time `bson:"added_at"`
}

// Document is a document as readers see it; URL serves the file to those
// who may read the record.
type Document struct {
	FileID      string    `json:"file_id"`
	Tipo        string    `json:"tipo"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	URL         string    `json:"url"`
	AddedByName string    `json:"added_by_name"`
	AddedAt     time.Time `json:"added_at"`
}

func documentsView(docs []documentDoc) []Document {
	out := make([]Document, len(docs))
	for i, d := range docs {
		out[i] = Document{FileID: d.FileID, Tipo: d.Tipo, Name: d.Name, ContentType: d.ContentType, Size: d.Size,
			URL: attachment.URLPrefix + d.FileID, AddedByName: d.AddedByName, AddedAt: d.AddedAt}
	}
	return out
}

// NewDocument attaches a file u uploaded (POST /attachments) as a document
// of the given type.
type NewDocument struct {
	BaseVersion int    `json:"base_version" validate:"min=1"`
	FileID      string `json:"file_id" validate:"required,max=64"`
	Tipo        string `json:"tipo" validate:"required,max=64"`
}

const maxDocuments = 50

var (
	fieldUnknownFile = problem.DefineField("unknown_file", "File non trovato tra i tuoi caricamenti.", "No such file among your uploads.")
	fieldAttached    = problem.DefineField("already_attached", "Documento già allegato.", "Document already attached.")
)

// AddDocument attaches a document to a record as a new version. The file
// passes the forums' checks at upload (type by content, size); it must be
// u's own upload, and from now on is read by whoever may read the record.
func (s *Service) AddDocument(ctx context.Context, u *account.User, id string, in NewDocument, lang string) (Experience, error) {
	if !listTipoAtto.Has(in.Tipo) {
		return Experience{}, invalid(map[string]string{"tipo": problem.FieldOneOf})
	}
	return s.write(ctx, u, id, in.BaseVersion, authz.AttachExperienceDocument, lang, func(d *recordDoc) (string, []string, error) {
		a, err := s.deps.Attachments.Get(ctx, in.FileID)
		if errors.Is(err, attachment.ErrNotFound) || err == nil && a.OwnerID != u.ID {
			return "", nil, invalid(map[string]string{"file_id": fieldUnknownFile})
		}
		if err != nil {
			return "", nil, err
		}
		if len(d.Documents) >= maxDocuments {
			return "", nil, invalid(map[string]string{"file_id": fieldTooMany + ":50"})
		}
		for _, doc := range d.Documents {
			if doc.FileID == a.ID {
				return "", nil, invalid(map[string]string{"file_id": fieldAttached})
			}
		}
		// Attached before the record names it: a file attached to a
		// record that a crash left without it stays readable only as
		// the record is, which is no wider than its owner meant.
		if err := s.deps.Attachments.Attach(ctx, u.ID, []string{a.ID}, attachment.Ref{Kind: AttachmentKind, ID: d.ID}); err != nil {
			return "", nil, err
		}
		d.Documents = append(append([]documentDoc{}, d.Documents...), documentDoc{FileID: a.ID, Tipo: in.Tipo, Name: a.Name,
			ContentType: a.ContentType, Size: a.Size, AddedByName: u.Name, AddedAt: s.now()})
		status := d.Status
		if status == StatusPublished {
			status = StatusUpdated
		}
		return status, []string{"atti"}, nil
	})
}

// fileAccess is the attachment rule of records' files: as the record.
func (s *Service) fileAccess(ctx context.Context, u *account.User, id string) (attachment.Access, error) {
	d, err := s.load(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return attachment.Gone, nil
	}
	if err != nil {
		return attachment.Hidden, err
	}
	if authz.Can(authz.ReadExperience, u.Subject(), d.item()) && (d.Moderated == nil || seesModerated(u.Subject(), d.item())) {
		return attachment.Visible, nil
	}
	return attachment.Hidden, nil
}
