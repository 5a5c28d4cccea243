// Package attachment stores uploaded files in GridFS after checking what
// they are by their bytes, never by their name: PDF, ODT, DOCX, XLSX and
// PNG, JPEG, GIF, WebP images. Everything else is refused.
package attachment

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
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

// Attachment describes a stored file (its GridFS files document, filesDoc).
type Attachment struct {
	ID          string
	Name        string
	ContentType string
	Size        int64
	OwnerID     string
	AttachedTo  []Ref
	Image       bool
	URL         string
	CreatedAt   time.Time
}

// Uploaded is a file as the upload answers it (openapi.yaml's
// UploadedAttachment): never its owner or what it is attached to.
type Uploaded struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Image       bool      `json:"image"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

// Uploaded is the file as its upload answers it.
func (a Attachment) Uploaded() Uploaded {
	return Uploaded{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Image: a.Image, URL: a.URL, CreatedAt: a.CreatedAt}
}

// Store keeps attachments in the GridFS bucket "attachments" and decides
// who may read them (access.go).
type Store struct {
	bucket   *mongo.GridFSBucket
	read     *mongo.Collection // the files collection on the read pool
	maxBytes int64
	rules    rules
}

// New returns the store; files over maxBytes are refused.
func New(st *store.Store, maxBytes int64) *Store {
	name := options.GridFSBucket().SetName("attachments")
	return &Store{
		bucket:   st.DB.GridFSBucket(name),
		read:     st.ReadDB.GridFSBucket(name).GetFilesCollection(),
		maxBytes: maxBytes,
		rules:    rules{kinds: map[string]Rule{}},
	}
}

// metadata is stored with each GridFS file.
type metadata struct {
	OwnerID     string `bson:"owner_id"`
	ContentType string `bson:"content_type"`
	Image       bool   `bson:"image"`
	AttachedTo  []Ref  `bson:"attached_to,omitempty"`
}

// filesDoc is a GridFS files document. _id is a random string; files
// uploaded before ids were random keep their ObjectID.
type filesDoc struct {
	ID         any       `bson:"_id"`
	Length     int64     `bson:"length"`
	UploadDate time.Time `bson:"uploadDate"`
	Filename   string    `bson:"filename"`
	Metadata   metadata  `bson:"metadata"`
}

func (f filesDoc) attachment() Attachment {
	var id string
	switch v := f.ID.(type) {
	case bson.ObjectID:
		id = v.Hex()
	case string:
		id = v
	}
	return Attachment{
		ID: id, Name: f.Filename, ContentType: f.Metadata.ContentType, Size: f.Length,
		OwnerID: f.Metadata.OwnerID, AttachedTo: f.Metadata.AttachedTo, Image: f.Metadata.Image, URL: URLPrefix + id,
		CreatedAt: f.UploadDate.UTC(),
	}
}

// idBytes is the randomness of a file id: 128 bits, so that ids cannot be
// guessed or walked from one's own.
const idBytes = 16

// newID is idBytes random bytes, base64url without padding (22 characters).
func newID() string {
	b := make([]byte, idBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// fileKey is the stored _id of a file id: a random id as it is, a legacy
// id as its ObjectID. Anything else is no file of ours.
func fileKey(id string) (any, bool) {
	switch {
	case len(id) == base64.RawURLEncoding.EncodedLen(idBytes) && strings.Trim(id, idChars) == "":
		return id, true
	case len(id) == 24:
		if oid, err := bson.ObjectIDFromHex(id); err == nil && oid.Hex() == id {
			return oid, true
		}
	}
	return nil, false
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// Save reads at most the size limit from r, checks the type by content and
// stores the file under a sanitised name and a random id. The file is
// nobody's but its owner's until it is attached (Attach).
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
	id := newID()
	if err := s.bucket.UploadFromStreamWithID(ctx, id, name, bytes.NewReader(data), options.GridFSUpload().SetMetadata(meta)); err != nil {
		return Attachment{}, fmt.Errorf("attachment: store %q: %w", name, err)
	}
	return filesDoc{ID: id, Length: int64(len(data)), UploadDate: time.Now(), Filename: name, Metadata: meta}.attachment(), nil
}

// Get describes a stored file. An ID that is not one of ours is not found.
// It says nothing of who may read it: see OpenFor.
func (s *Store) Get(ctx context.Context, id string) (Attachment, error) {
	key, ok := fileKey(id)
	if !ok {
		return Attachment{}, ErrNotFound
	}
	var f filesDoc
	err := s.read.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&f)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Attachment{}, ErrNotFound
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("attachment: read %s: %w", id, err)
	}
	return f.attachment(), nil
}

// open returns the bytes of a file already described; the caller closes
// the reader.
func (s *Store) open(ctx context.Context, a Attachment) (io.ReadCloser, error) {
	key, _ := fileKey(a.ID)
	ds, err := s.bucket.OpenDownloadStream(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("attachment: open %s: %w", a.ID, err)
	}
	return ds, nil
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
