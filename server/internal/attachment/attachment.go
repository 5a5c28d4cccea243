// Package attachment stores uploaded files in GridFS after checking what
// they are by their bytes, never by their name: PDF, ODT, DOCX, XLSX and
// PNG, JPEG, GIF, WebP images. Everything else is refused.
package attachment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// URLPrefix is where attachments are served; markdown allows images only
// from here (and https).
const URLPrefix = "/api/v1/attachments/"

// maxNameBytes bounds the stored display name.
const maxNameBytes = 180

var (
	ErrTooLarge   = problem.Define(problem.TooLarge, "file_too_large", "Il file supera la dimensione massima consentita.", "The file is larger than the maximum allowed size.")
	ErrTypeDenied = problem.Define(problem.Unsupported, "file_type_not_allowed", "Tipo di file non ammesso: carica PDF, ODT, DOCX, XLSX, PNG, JPEG, GIF o WebP.", "File type not allowed: upload PDF, ODT, DOCX, XLSX, PNG, JPEG, GIF or WebP.")
	ErrNotFound   = problem.Define(problem.NotFound, "attachment_not_found", "Allegato non trovato.", "Attachment not found.")
)

// Attachment describes a stored file.
type Attachment struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	OwnerID     string    `json:"-"`
	Image       bool      `json:"image"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

// Store keeps attachments in the GridFS bucket "attachments".
type Store struct {
	bucket   *mongo.GridFSBucket
	maxBytes int64
}

// New returns the store; files over maxBytes are refused.
func New(st *store.Store, maxBytes int64) *Store {
	return &Store{
		bucket:   st.DB.GridFSBucket(options.GridFSBucket().SetName("attachments")),
		maxBytes: maxBytes,
	}
}

// metadata is stored with each GridFS file.
type metadata struct {
	OwnerID     string `bson:"owner_id"`
	ContentType string `bson:"content_type"`
	Image       bool   `bson:"image"`
}

// filesDoc is a GridFS files document.
type filesDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	Length     int64         `bson:"length"`
	UploadDate time.Time     `bson:"uploadDate"`
	Filename   string        `bson:"filename"`
	Metadata   metadata      `bson:"metadata"`
}

func (f filesDoc) attachment() Attachment {
	id := f.ID.Hex()
	return Attachment{
		ID: id, Name: f.Filename, ContentType: f.Metadata.ContentType, Size: f.Length,
		OwnerID: f.Metadata.OwnerID, Image: f.Metadata.Image, URL: URLPrefix + id,
		CreatedAt: f.UploadDate.UTC(),
	}
}

// Save reads at most the size limit from r, checks the type by content and
// stores the file under a sanitised name.
func (s *Store) Save(ctx context.Context, ownerID, filename string, r io.Reader) (Attachment, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.maxBytes+1))
	if err != nil {
		return Attachment{}, fmt.Errorf("attachment: read upload: %w", err)
	}
	if int64(len(data)) > s.maxBytes {
		return Attachment{}, ErrTooLarge
	}
	kind, ok := detect(data)
	if !ok {
		return Attachment{}, ErrTypeDenied
	}
	name := sanitizeName(filename, kind)
	meta := metadata{OwnerID: ownerID, ContentType: kind.contentType, Image: kind.image}
	id, err := s.bucket.UploadFromStream(ctx, name, bytes.NewReader(data), options.GridFSUpload().SetMetadata(meta))
	if err != nil {
		return Attachment{}, fmt.Errorf("attachment: store %q: %w", name, err)
	}
	return filesDoc{ID: id, Length: int64(len(data)), UploadDate: time.Now(), Filename: name, Metadata: meta}.attachment(), nil
}

// Get describes a stored file. An ID that is not one of ours is not found.
func (s *Store) Get(ctx context.Context, id string) (Attachment, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return Attachment{}, ErrNotFound
	}
	var f filesDoc
	err = s.bucket.GetFilesCollection().FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&f)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Attachment{}, ErrNotFound
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("attachment: read %s: %w", id, err)
	}
	return f.attachment(), nil
}

// Open returns the file's bytes; the caller closes the reader.
func (s *Store) Open(ctx context.Context, id string) (io.ReadCloser, Attachment, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, Attachment{}, err
	}
	oid, _ := bson.ObjectIDFromHex(a.ID)
	ds, err := s.bucket.OpenDownloadStream(ctx, oid)
	if err != nil {
		return nil, Attachment{}, fmt.Errorf("attachment: open %s: %w", id, err)
	}
	return ds, a, nil
}

// sanitizeName keeps a display name that is safe in a header and on any
// file system: the last path element, no control or reserved characters,
// no leading dots, bounded, and ending in an extension of the real type.
func sanitizeName(name string, k kind) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`<>:"|?*%`, r):
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if len(name) > maxNameBytes {
		name = name[:maxNameBytes]
		for !utf8.ValidString(name) {
			name = name[:len(name)-1]
		}
		name = strings.TrimRight(name, ". ")
	}
	if name == "" {
		name = "allegato"
	}
	lower := strings.ToLower(name)
	for _, ext := range k.exts {
		if strings.HasSuffix(lower, ext) {
			return name
		}
	}
	return name + k.exts[0]
}
