package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/rooms"
)

var fieldSeq = problem.DefineField("room_seq_param", "Numero di messaggio non valido.", "Not a valid message number.")

// seqParam is the :seq path parameter, a message's number in its room.
func seqParam(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("seq"))
	if err != nil || n < 1 {
		return 0, problem.ErrInvalid.With(map[string]string{"seq": fieldSeq})
	}
	return n, nil
}

func (h *roomAPI) list(c *fiber.Ctx) error {
	rs, err := h.Rooms.Rooms(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rooms": rs})
}

func (h *roomAPI) create(c *fiber.Ctx) error {
	var in rooms.NewRoom
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := h.Rooms.CreateRoom(c.UserContext(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h *roomAPI) room(c *fiber.Ctx) error {
	r, err := h.Rooms.Room(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *roomAPI) update(c *fiber.Ctx) error {
	var in rooms.RoomPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := h.Rooms.UpdateRoom(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *roomAPI) join(c *fiber.Ctx) error {
	r, err := h.Rooms.Join(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *roomAPI) read(c *fiber.Ctx) error {
	var in rooms.ReadInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := h.Rooms.MarkRead(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"read_seq": st.ReadSeq, "unread": st.Unread})
}

func (h *roomAPI) mute(c *fiber.Ctx) error {
	var in rooms.Mute
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := h.Rooms.MuteMember(c.UserContext(), currentUser(c), param(c, "id"), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *roomAPI) unmute(c *fiber.Ctx) error {
	if err := h.Rooms.Unmute(c.UserContext(), currentUser(c), param(c, "id"), param(c, "user")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *roomAPI) messages(c *fiber.Ctx) error {
	q := rooms.PageQuery{After: rooms.NoAfter}
	if err := queryParams(c, &q); err != nil {
		return err
	}
	p, err := h.Rooms.Messages(c.UserContext(), currentUser(c), param(c, "id"), q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *roomAPI) send(c *fiber.Ctx) error {
	var in rooms.NewMessage
	if err := decode(c, &in); err != nil {
		return err
	}
	sent, err := h.Rooms.Send(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if sent.Created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(sent.Message)
}

func (h *roomAPI) edit(c *fiber.Ctx) error {
	var in rooms.MessageEdit
	if err := decode(c, &in); err != nil { // the body first, as every route
		return err
	}
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	m, err := h.Rooms.Edit(c.UserContext(), currentUser(c), param(c, "id"), seq, in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *roomAPI) delete(c *fiber.Ctx) error {
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	m, err := h.Rooms.Delete(c.UserContext(), currentUser(c), param(c, "id"), seq)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *roomAPI) history(c *fiber.Ctx) error {
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	vs, err := h.Rooms.History(c.UserContext(), currentUser(c), param(c, "id"), seq)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"versions": vs})
}

func (h *roomAPI) replies(c *fiber.Ctx) error {
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	ms, err := h.Rooms.Replies(c.UserContext(), currentUser(c), param(c, "id"), seq)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"messages": ms})
}

// reactionInput is POST .../reactions's body.
type reactionInput struct {
	Emoji string `json:"emoji" validate:"required,max=16"`
}

func (h *roomAPI) react(c *fiber.Ctx) error {
	var in reactionInput
	if err := decode(c, &in); err != nil { // the body first, as every route
		return err
	}
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	m, err := h.Rooms.React(c.UserContext(), currentUser(c), param(c, "id"), seq, in.Emoji, true)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *roomAPI) unreact(c *fiber.Ctx) error {
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	emoji, err := url.PathUnescape(c.Params("emoji"))
	if err != nil {
		emoji = "" // refused by the service as an unknown reaction
	}
	m, err := h.Rooms.React(c.UserContext(), currentUser(c), param(c, "id"), seq, emoji, false)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// roomReport is a report of a message: the same record as a report
// through /moderation/reports (package moderation).
type roomReport struct {
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

func (h *roomAPI) report(c *fiber.Ctx) error {
	var in roomReport
	if err := decode(c, &in); err != nil { // the body first, as every route
		return err
	}
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	r := moderation.Report{Kind: moderation.KindMessage, ID: param(c, "id") + "-" + strconv.Itoa(seq), Reason: in.Reason, Text: in.Text}
	if err := h.Moderation.Report(c.UserContext(), currentUser(c), r); err != nil {
		return err
	}
	c.Status(fiber.StatusCreated) // no body: SendStatus would send "Created"
	return nil
}

func (h *roomAPI) promote(c *fiber.Ctx) error {
	var in rooms.Promotion
	if err := decode(c, &in); err != nil { // the body first, as every route
		return err
	}
	seq, err := seqParam(c)
	if err != nil {
		return err
	}
	id, err := h.Rooms.Promote(c.UserContext(), currentUser(c), param(c, "id"), seq, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"thread_id": id})
}
