package web

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/client"
)

// static serves the embedded client: hashed assets cached for a year,
// everything else falls back to index.html, never cached.
func (s *server) static(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return errMethodNotAllowed
	}
	dist := client.Dist()
	name := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
	if name != "" && fs.ValidPath(name) && !strings.Contains(name, "\\") {
		if data, err := fs.ReadFile(dist, name); err == nil {
			if strings.HasPrefix(name, "assets/") {
				c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
			} else {
				c.Set(fiber.HeaderCacheControl, "no-cache")
			}
			if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
				c.Set(fiber.HeaderContentType, ct)
			}
			return c.Send(data)
		}
		if strings.HasPrefix(name, "assets/") {
			return c.Status(fiber.StatusNotFound).SendString("not found")
		}
	}
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("client not built: run make client")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(index)
}
