package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/forum"
)

// Thread curation (forum/curation.go): move, merge, split. Their routes are
// in forumRoutes; the table's check is in the domain, with the thread.

func (h *forumAPI) moveThread(c *fiber.Ctx) error {
	var in forum.ThreadMove
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Forum.MoveThread(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *forumAPI) mergeThread(c *fiber.Ctx) error {
	var in forum.ThreadMerge
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Forum.MergeThreads(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *forumAPI) splitThread(c *fiber.Ctx) error {
	var in forum.ThreadSplit
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Forum.SplitThread(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

// redirectMoved answers a thread or post that moved with where it lives
// now (308, the same query): clients follow it, and the answer names the
// new address (a ThreadPage's thread.id, a Permalink's post.id). Not kept
// by caches: an address's answer is only permanent once it moved.
func redirectMoved(c *fiber.Ctx, err error) error {
	var m *forum.Moved
	if !errors.As(err, &m) {
		return err
	}
	to := "/api/v1/threads/" + m.ThreadID
	if m.PostID != "" {
		to = "/api/v1/posts/" + m.PostID
	}
	if q := string(c.Request().URI().QueryString()); q != "" {
		to += "?" + q
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(to, fiber.StatusPermanentRedirect)
}
