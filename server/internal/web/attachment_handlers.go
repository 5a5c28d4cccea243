package web

import (
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// attachmentRoutes: uploads (CSRF applies, as to every POST) and downloads,
// both for active users; a download also needs the right to see what the
// file is attached to (attachment.Store.May).
func (s *server) attachmentRoutes(api fiber.Router) {
	api.Post("/attachments", s.require(authz.TakePart), s.uploadAttachment)
	api.Get("/attachments/:id", s.require(authz.TakePart), s.downloadAttachment)
}

func (s *server) uploadAttachment(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return problem.ErrInvalid.With(map[string]string{"file": problem.FieldRequired}).Wrap(err)
	}
	f, err := fh.Open()
	if err != nil {
		return problem.ErrInvalid.With(map[string]string{"file": problem.FieldInvalid}).Wrap(err)
	}
	defer f.Close()
	a, err := s.Attachments.Save(c.UserContext(), currentUser(c).ID, fh.Filename, f)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a.Uploaded())
}

// downloadAttachment sends the stored bytes with the type detected at
// upload, to those who may read them; to anyone else the file is not found. The sandbox CSP and nosniff keep a file from ever running as a
// page of the board. The bytes are read here (at most the upload limit)
// because the request's context ends when the handler returns.
func (s *server) downloadAttachment(c *fiber.Ctx) error {
	rc, a, err := s.Attachments.OpenFor(c.UserContext(), currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if a.Image {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, disposition+"; filename*=UTF-8''"+encodeRFC5987(a.Name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	return c.Send(data)
}

// encodeRFC5987 percent-encodes everything but attr-chars (RFC 5987), so
// any name is a safe header value.
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
