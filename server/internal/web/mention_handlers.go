package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/cantieri/tavolo/server/internal/problem"
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
	in := mentionParams{Q: utils.CopyString(c.Query("q"))}
	if err := problem.Validate(&in); err != nil {
		return err
	}
	list, err := s.Accounts.SuggestHandles(c.UserContext(), in.Q, maxMentionSuggestions)
	if err != nil {
		return err
	}
	return c.JSON(list)
}
