package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/forum"
)

// markdownPreview renders a composer's text as a post would store it.
func (h *forumAPI) markdownPreview(c *fiber.Ctx) error {
	var in forum.PreviewInput
	if err := decode(c, &in); err != nil {
		return err
	}
	html, err := h.Forum.Preview(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"html": html})
}
