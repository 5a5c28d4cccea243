package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/tables"
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
	// deflated is plain without its "{" as raw deflate, ended by a sync
	// flush and not final: a saved table's shared part, joined after the
	// viewer's marks (sendSavedComparison).
	deflated []byte
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

// sendSavedComparison answers with a saved table's comparison for one
// viewer: {"marks":{…},"columns":…,"groups":…,"rows":…}. The shared part
// is encoded and compressed once per version of the table and its records
// (p.Key); only the viewer's marks, small, are encoded per request, and
// joined to it as bytes: with gzip they go in a stored deflate block before
// the kept compressed part (deflate streams join at a sync flush), so no
// viewer costs an encoding or a compression of the whole table. A request
// that takes brotli but not gzip has it compressed whole (every browser
// takes gzip).
func (s *server) sendSavedComparison(c *fiber.Ctx, p *tables.Parts) error {
	marks, err := json.Marshal(&p.Marks)
	if err != nil {
		return err
	}
	gz := acceptedCodings(c.Get(fiber.HeaderAcceptEncoding)).gzip
	a := s.comparisons.answer("saved|" + p.Key)
	a.mu.Lock()
	if a.plain == nil {
		shared := p.Shared()
		b, err := json.Marshal(&shared)
		if err != nil {
			a.mu.Unlock()
			return err
		}
		a.plain = b
		s.comparisons.stored(len(b))
	}
	if gz && a.deflated == nil {
		a.deflated = deflateOpen(a.plain[1:])
		s.comparisons.stored(len(a.deflated))
	}
	rest, deflated := a.plain[1:], a.deflated
	a.mu.Unlock()
	head := make([]byte, 0, len(marks)+16)
	head = append(append(append(head, `{"marks":`...), marks...), ',')
	c.Vary(fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if !gz {
		return c.Send(append(head, rest...)) // compressJSON codes it if it can
	}
	c.Response().Header.SetContentEncoding("gzip")
	return c.Send(gzipJoin(head, rest, deflated))
}

// deflateOpen is b as raw deflate ended by a sync flush, without a final
// block: more deflate data may follow it.
func deflateOpen(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression) // the level is valid
	_, _ = w.Write(b)                                       // a bytes.Buffer does not fail
	_ = w.Flush()
	return buf.Bytes()
}

// gzipJoin is head+rest as a gzip member: head in stored blocks, then rest
// already deflated (deflateOpen), then an empty final block and the
// trailer (the CRC-32 and length of head+rest, RFC 1952).
func gzipJoin(head, rest, deflated []byte) []byte {
	out := make([]byte, 0, 10+len(head)+5*(len(head)/65535+1)+len(deflated)+2+8)
	out = append(out, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff) // deflate, no flags, no time, unknown OS
	for b := head; len(b) > 0; {
		n := min(len(b), 65535)
		// A stored block, not final (RFC 1951 3.2.4): BFINAL 0, BTYPE 00,
		// then LEN and its complement, byte-aligned.
		out = append(out, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(n))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(n))
		out = append(out, b[:n]...)
		b = b[n:]
	}
	out = append(out, deflated...)
	out = append(out, 0x03, 0x00) // an empty final block (fixed Huffman, end of block)
	crc := crc32.Update(crc32.ChecksumIEEE(head), crc32.IEEETable, rest)
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(len(head)+len(rest)))
}
