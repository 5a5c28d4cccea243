package web

import (
	"encoding/json"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/compare"
)

// Encoding a 12-column comparison (tens of kilobytes of JSON) and
// compressing it costs far more than computing it from the prepared
// versions; a comparison is a pure function of its fingerprint, so the
// encoded answer is kept under it, in each coding asked for.

// encodedBytes bounds the memory of the answers kept (~60 KB of JSON for
// 12 columns, more with long lessons learned, and each coding's copy).
const encodedBytes = 32 << 20

type encodedAnswer struct {
	mu    sync.Mutex
	plain []byte
	coded map[string][]byte // "br", "gzip"
}

type encodedCache struct {
	mu    sync.Mutex
	m     map[string]*encodedAnswer
	bytes int // of the answers' bodies stored so far (added)
}

func newEncodedCache() *encodedCache { return &encodedCache{m: map[string]*encodedAnswer{}} }

// answer is the entry of key, new (empty) if none; the map starts over
// when its bodies are over encodedBytes (the answers in use come back at
// their next request).
func (c *encodedCache) answer(key string) *encodedAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.m[key]
	if a == nil {
		if c.bytes > encodedBytes {
			c.m, c.bytes = map[string]*encodedAnswer{}, 0
		}
		a = &encodedAnswer{coded: map[string][]byte{}}
		c.m[key] = a
	}
	return a
}

// stored counts n more bytes kept.
func (c *encodedCache) stored(n int) {
	c.mu.Lock()
	c.bytes += n
	c.mu.Unlock()
}

// sendComparison answers with cmp as JSON, compressed as the request
// accepts, from the cache when this comparison was encoded before.
func (s *server) sendComparison(c *fiber.Ctx, cmp *compare.Comparison) error {
	a := s.comparisons.answer(cmp.Fingerprint(langOf(c)))
	enc := preferredCoding(c)
	a.mu.Lock()
	if a.plain == nil {
		b, err := json.Marshal(cmp)
		if err != nil {
			a.mu.Unlock()
			return err
		}
		a.plain = b
		s.comparisons.stored(len(b))
	}
	body := a.plain
	if enc != "" && len(body) >= compressMinBytes {
		if a.coded[enc] == nil {
			a.coded[enc] = compress(enc, a.plain)
			s.comparisons.stored(len(a.coded[enc]))
		}
		body = a.coded[enc]
	} else {
		enc = ""
	}
	a.mu.Unlock()
	c.Vary(fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if enc != "" {
		c.Response().Header.SetContentEncoding(enc)
	}
	return c.Send(body)
}
