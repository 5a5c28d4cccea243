package web

import (
	"github.com/gofiber/fiber/v2"
)

// maxMentionSuggestions is the autocomplete list's length (docs/api.md).
const maxMentionSuggestions = 10

func (s *server) mentionRoutes(api fiber.Router) {
	api.Get("/mentions", s.requireActive, s.mentions)
}

type mentionParams struct {
	Q string `json:"q" validate:"max=31,nocontrol"` // a handle, maybe with its "@"
}

func (s *server) mentions(c *fiber.Ctx) error {
	var in mentionParams
	if err := queryParams(c, &in); err != nil {
		return err
	}
	list, err := s.Accounts.SuggestHandles(c.UserContext(), in.Q, maxMentionSuggestions)
	if err != nil {
		return err
	}
	return c.JSON(list)
}
