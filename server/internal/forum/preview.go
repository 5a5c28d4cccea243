package forum

import (
	"context"

	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// PreviewInput is markdown a writer wants to see rendered before sending it.
type PreviewInput struct {
	Body string `json:"body" validate:"max=50000,nocontrol"`
}

// Preview is the HTML a post with this body would store: the same parse,
// mention links and sanitiser, so what the composer previews is what readers
// get. Nothing is stored and nobody is notified.
func (s *Service) Preview(ctx context.Context, in PreviewInput) (string, error) {
	if err := problem.Validate(in); err != nil {
		return "", err
	}
	// Every mention counts as already notified: render then only links them.
	r, _, err := s.render(ctx, in.Body, markdown.Mentions(in.Body))
	if err != nil {
		return "", err
	}
	return r.html, nil
}
