package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
)

// maxMentionSuggestions is the autocomplete list's length (the contract's /mentions).
const maxMentionSuggestions = 10

func (s *server) mentionRoutes(api fiber.Router) {
	api.Get("/mentions", s.require(authz.TakePart), s.mentions)
}

type mentionParams struct {
	Q      string `json:"q" validate:"max=31,nocontrol"`              // a handle, maybe with its "@"
	Thread string `json:"thread" validate:"omitempty,numeric,max=20"` // the thread written in: its participants rank first
}

func (s *server) mentions(c *fiber.Ctx) error {
	var in mentionParams
	if err := queryParams(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	w := account.Writer{AdministrationID: u.AdministrationID}
	if in.Thread != "" {
		ids, err := s.Forum.RecentParticipants(c.UserContext(), in.Thread)
		if err != nil {
			return err
		}
		w.Participants = ids
	}
	list, err := s.Accounts.SuggestHandles(c.UserContext(), in.Q, maxMentionSuggestions, w)
	if err != nil {
		return err
	}
	return c.JSON(account.MentionableViews(list))
}
