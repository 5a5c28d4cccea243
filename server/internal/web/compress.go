package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// compressMinBytes is the smallest JSON answer worth compressing: below it
// the saving is a few hundred bytes at most, less than a round trip's worth.
const compressMinBytes = 1024

// compressJSON compresses the API's JSON answers of compressMinBytes or
// more with brotli or gzip, as Accept-Encoding allows. Nothing else: files
// (attachments) are mostly compressed already and are sent as they are.
func compressJSON(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err // the error boundary writes a small body
	}
	res := c.Response()
	if res.IsBodyStream() || len(res.Header.ContentEncoding()) > 0 || len(res.Header.Peek(fiber.HeaderContentDisposition)) > 0 ||
		!bytes.HasPrefix(res.Header.ContentType(), []byte(fiber.MIMEApplicationJSON)) {
		return nil
	}
	body := res.Body()
	if len(body) < compressMinBytes {
		return nil
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	enc := preferredCoding(c)
	if enc == "" {
		return nil
	}
	res.SetBodyRaw(compress(enc, body))
	res.Header.SetContentEncoding(enc)
	return nil
}

// preferredCoding is the coding the request accepts that compresses best
// ("br", "gzip"), or "" for none.
func preferredCoding(c *fiber.Ctx) string {
	switch accepted := acceptedCodings(c.Get(fiber.HeaderAcceptEncoding)); {
	case accepted.br:
		return "br"
	case accepted.gzip:
		return "gzip"
	}
	return ""
}

// compress is body in coding enc (preferredCoding's).
func compress(enc string, body []byte) []byte {
	if enc == "br" {
		return fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliDefaultCompression)
	}
	return fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressDefaultCompression)
}
