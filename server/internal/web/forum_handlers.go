package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/cantieri/tavolo/server/internal/forum"
)

// param copies a path parameter: fiber reuses its buffer after the handler.
func param(c *fiber.Ctx, name string) string { return utils.CopyString(c.Params(name)) }

// draftKey is the :key parameter, which clients may percent-encode ("reply%3A12").
func draftKey(c *fiber.Ctx) string {
	key, err := url.PathUnescape(c.Params("key"))
	if err != nil {
		return "" // refused by the key check
	}
	return utils.CopyString(key)
}

// listParams are a paged list's query parameters; per_page 0 is the
// forum's default for the list.
type listParams struct {
	Page    int `json:"page" validate:"min=1,max=100000"`
	PerPage int `json:"per_page" validate:"min=0,max=100"`
}

// forumPaging reads ?page= and ?per_page=.
func forumPaging(c *fiber.Ctx) (page, perPage int, err error) {
	in := listParams{Page: 1}
	err = queryParams(c, &in)
	return in.Page, in.PerPage, err
}

// threadParams are GET /threads/:id's query parameters.
type threadParams struct {
	View    string `json:"view" validate:"oneof=tree flat"`
	Page    int    `json:"page" validate:"min=1,max=100000"`
	PerPage int    `json:"per_page" validate:"min=0,max=100"`
}

func (h *forumAPI) categories(c *fiber.Ctx) error {
	cats, err := h.Forum.CategoriesFor(c.UserContext(), currentUser(c), langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(cats)
}

func (h *forumAPI) categoryThreads(c *fiber.Ctx) error {
	page, per, err := forumPaging(c)
	if err != nil {
		return err
	}
	list, err := h.Forum.CategoryThreads(c.UserContext(), currentUser(c), param(c, "id"), page, per, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (h *forumAPI) createCategory(c *fiber.Ctx) error {
	var in forum.CategoryInput
	if err := decode(c, &in); err != nil {
		return err
	}
	cat, err := h.Forum.CreateCategory(c.UserContext(), currentUser(c), in, langOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cat)
}

func (h *forumAPI) updateCategory(c *fiber.Ctx) error {
	var in forum.CategoryPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	cat, err := h.Forum.UpdateCategory(c.UserContext(), currentUser(c), param(c, "id"), in, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(cat)
}

func (h *forumAPI) reorderCategories(c *fiber.Ctx) error {
	var in forum.CategoryOrder
	if err := decode(c, &in); err != nil {
		return err
	}
	cats, err := h.Forum.ReorderCategories(c.UserContext(), currentUser(c), in, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(cats)
}

func (h *forumAPI) latestThreads(c *fiber.Ctx) error {
	page, per, err := forumPaging(c)
	if err != nil {
		return err
	}
	list, err := h.Forum.LatestThreads(c.UserContext(), currentUser(c), page, per)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (h *forumAPI) createThread(c *fiber.Ctx) error {
	var in forum.NewThread
	if err := decode(c, &in); err != nil {
		return err
	}
	t, p, err := h.Forum.CreateThread(c.UserContext(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"thread": t, "post": p})
}

func (h *forumAPI) thread(c *fiber.Ctx) error {
	in := threadParams{View: forum.ViewTree, Page: 1}
	if err := queryParams(c, &in); err != nil {
		return err
	}
	tp, err := h.Forum.Thread(c.UserContext(), currentUser(c), param(c, "id"), in.View, in.Page, in.PerPage, langOf(c))
	if err != nil {
		return redirectMoved(c, err)
	}
	body, err := tp.EncodeJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

func (h *forumAPI) updateThread(c *fiber.Ctx) error {
	var in forum.ThreadPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Forum.UpdateThread(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *forumAPI) reply(c *fiber.Ctx) error {
	var in forum.NewPost
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.Forum.Reply(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *forumAPI) markRead(c *fiber.Ctx) error {
	var in forum.ReadPosition
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := h.Forum.MarkRead(c.UserContext(), currentUser(c), param(c, "id"), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *forumAPI) post(c *fiber.Ctx) error {
	_, per, err := forumPaging(c)
	if err != nil {
		return err
	}
	p, err := h.Forum.PostPage(c.UserContext(), currentUser(c), param(c, "id"), per)
	if err != nil {
		return redirectMoved(c, err)
	}
	return c.JSON(p)
}

func (h *forumAPI) editPost(c *fiber.Ctx) error {
	var in forum.PostEdit
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.Forum.EditPost(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *forumAPI) deletePost(c *fiber.Ctx) error {
	var in forum.PostDeletion // the body is optional: a moderator's reason
	if len(c.Body()) > 0 {
		if err := decode(c, &in); err != nil {
			return err
		}
	}
	if err := h.Forum.DeletePost(c.UserContext(), currentUser(c), param(c, "id"), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *forumAPI) history(c *fiber.Ctx) error {
	vs, err := h.Forum.History(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(vs)
}

func (h *forumAPI) deletedPost(c *fiber.Ctx) error {
	p, err := h.Forum.Deleted(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *forumAPI) react(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := h.Forum.React(c.UserContext(), currentUser(c), param(c, "id"), param(c, "kind"), on)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

func (h *forumAPI) followThread(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.Forum.FollowThread(c.UserContext(), currentUser(c), param(c, "id"), on); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func (h *forumAPI) followCategory(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.Forum.FollowCategory(c.UserContext(), currentUser(c), param(c, "id"), on); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func (h *forumAPI) draft(c *fiber.Ctx) error {
	d, err := h.Forum.Draft(c.UserContext(), currentUser(c), draftKey(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *forumAPI) saveDraft(c *fiber.Ctx) error {
	var in forum.DraftInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := h.Forum.SaveDraft(c.UserContext(), currentUser(c), draftKey(c), in)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *forumAPI) deleteDraft(c *fiber.Ctx) error {
	if err := h.Forum.DeleteDraft(c.UserContext(), currentUser(c), draftKey(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
