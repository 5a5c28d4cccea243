package attachment

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
)

// kind is an accepted file type.
type kind struct {
	contentType string
	exts        []string // the first is added to names without one of them
	image       bool
}

var (
	kindPDF  = kind{"application/pdf", []string{".pdf"}, false}
	kindPNG  = kind{"image/png", []string{".png"}, true}
	kindJPEG = kind{"image/jpeg", []string{".jpg", ".jpeg"}, true}
	kindGIF  = kind{"image/gif", []string{".gif"}, true}
	kindWebP = kind{"image/webp", []string{".webp"}, true}
	kindODT  = kind{"application/vnd.oasis.opendocument.text", []string{".odt"}, false}
	kindDOCX = kind{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}, false}
	kindXLSX = kind{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}, false}
)

// detect names the type of data from its leading bytes and, for the
// ZIP-based office formats, from the archive's entries.
func detect(data []byte) (kind, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return kindPDF, true
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return kindPNG, true
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return kindJPEG, true
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return kindGIF, true
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return kindWebP, true
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return detectZip(data)
	}
	return kind{}, false
}

// detectZip reads only the central directory and, for ODT, the tiny
// "mimetype" entry, so a zip bomb is never inflated.
func detectZip(data []byte) (kind, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return kind{}, false
	}
	var contentTypes, word, xl bool
	for _, f := range zr.File {
		switch {
		case f.Name == "mimetype":
			if isODT(f) {
				return kindODT, true
			}
		case f.Name == "[Content_Types].xml":
			contentTypes = true
		case strings.HasPrefix(f.Name, "word/"):
			word = true
		case strings.HasPrefix(f.Name, "xl/"):
			xl = true
		}
	}
	switch {
	case contentTypes && word && !xl:
		return kindDOCX, true
	case contentTypes && xl && !word:
		return kindXLSX, true
	}
	return kind{}, false
}

func isODT(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64))
	return err == nil && string(b) == kindODT.contentType
}
