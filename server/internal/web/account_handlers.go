package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
)

func (h *accountAPI) getSession(c *fiber.Ctx) error {
	if currentUser(c) == nil && c.Locals(ctxSessionEnded) != nil {
		return loggedOut(c) // the suspension, once: the cookie is gone
	}
	open, deadline, err := h.Accounts.EnrolmentOpen(c.UserContext())
	if err != nil {
		return err
	}
	var dl *time.Time
	if !deadline.IsZero() {
		d := deadline.UTC()
		dl = &d
	}
	return c.JSON(fiber.Map{
		"user":       currentUser(c).View(),
		"csrf_token": h.ensureCSRF(c),
		"enrolment":  fiber.Map{"open": open, "deadline": dl},
	})
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254,email"`
	Password string `json:"password" validate:"required,max=128"`
}

func (h *accountAPI) login(c *fiber.Ctx) error {
	var in loginRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	email := account.NormalizeEmail(in.Email)
	ip := clientIP(c)
	if err := allow(h.limits.loginIP, ip); err != nil {
		return err
	}
	done, err := h.limits.loginAttempt(email, ip)
	if err != nil {
		return err
	}
	u, token, err := h.Accounts.Login(c.UserContext(), email, in.Password)
	done(errors.Is(err, account.ErrInvalidCredentials))
	if err != nil {
		return err
	}
	if err := h.startSession(c, token); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u.View()})
}

func (h *accountAPI) logout(c *fiber.Ctx) error {
	if err := h.Accounts.Logout(c.UserContext(), c.Cookies(sessionCookie)); err != nil {
		return err
	}
	h.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *accountAPI) me(c *fiber.Ctx) error { return c.JSON(currentUser(c).View()) }

type profileRequest struct {
	Name *string `json:"name" validate:"omitempty,min=2,max=100,nocontrol"`
	Lang *string `json:"lang" validate:"omitempty,oneof=it en"`
}

func (h *accountAPI) updateMe(c *fiber.Ctx) error {
	var in profileRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := h.Accounts.UpdateProfile(c.UserContext(), currentUser(c).ID, account.ProfileChange{Name: in.Name, Lang: in.Lang})
	if err != nil {
		return err
	}
	return c.JSON(u.View())
}

type passwordChange struct {
	Current string `json:"current_password" validate:"required,max=128"`
	New     string `json:"new_password" validate:"required,min=10,max=128"`
}

func (h *accountAPI) changePassword(c *fiber.Ctx) error {
	var in passwordChange
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := h.Accounts.ChangePassword(c.UserContext(), currentUser(c).ID, sessionID(c), in.Current, in.New); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type resetRequest struct {
	Email string `json:"email" validate:"required,max=254,email"`
}

// requestReset answers 202 whether or not the email has an account.
func (h *accountAPI) requestReset(c *fiber.Ctx) error {
	var in resetRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := allow(h.limits.resetIP, clientIP(c)); err != nil {
		return err
	}
	email := account.NormalizeEmail(in.Email)
	// Past its limit an address gets no more mails, silently: the answer
	// must not tell whether it has an account.
	if ok, _ := h.limits.resetAccount.Allow(email); ok {
		if err := h.Accounts.RequestReset(c.UserContext(), email); err != nil {
			return err
		}
	}
	return c.SendStatus(fiber.StatusAccepted)
}

type newPassword struct {
	Password string `json:"password" validate:"required,min=10,max=128"`
}

func (h *accountAPI) resetPassword(c *fiber.Ctx) error {
	var in newPassword
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := h.Accounts.ResetPassword(c.UserContext(), param(c, "token"), in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *accountAPI) enrol(c *fiber.Ctx) error {
	var in account.Enrolment
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := allow(h.limits.enrolIP, clientIP(c)); err != nil {
		return err
	}
	a, u, token, err := h.Accounts.Enrol(c.UserContext(), in, langOf(c))
	if err != nil {
		return err
	}
	if err := h.startSession(c, token); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"administration": a.View(), "user": u.View()})
}

func (h *accountAPI) administrations(c *fiber.Ctx) error {
	list, err := h.Accounts.Administrations(c.UserContext(), account.StatusApproved)
	if err != nil {
		return err
	}
	return c.JSON(account.AdministrationViews(list))
}

// enrolmentParams are GET /admin/enrolments' query parameters.
type enrolmentParams struct {
	Status string `json:"status" validate:"oneof=pending approved rejected"`
}

func (h *accountAPI) enrolments(c *fiber.Ctx) error {
	in := enrolmentParams{Status: account.StatusPending}
	if err := queryParams(c, &in); err != nil {
		return err
	}
	list, err := h.Accounts.Administrations(c.UserContext(), in.Status)
	if err != nil {
		return err
	}
	return c.JSON(account.AdministrationViews(list))
}

func (h *accountAPI) approve(c *fiber.Ctx) error {
	a, err := h.Accounts.Approve(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(a.View())
}

type rejection struct {
	Reason string `json:"reason" validate:"required,min=3,max=1000,nocontrol"`
}

func (h *accountAPI) reject(c *fiber.Ctx) error {
	var in rejection
	if err := decode(c, &in); err != nil {
		return err
	}
	a, err := h.Accounts.Reject(c.UserContext(), currentUser(c), param(c, "id"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(a.View())
}

type invitationRequest struct {
	Email            string `json:"email" validate:"omitempty,max=254,email"`
	AdministrationID string `json:"administration_id" validate:"omitempty,codice_ipa"`
}

func (h *accountAPI) invite(c *fiber.Ctx) error {
	var in invitationRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	inv, err := h.Accounts.Invite(c.UserContext(), currentUser(c), strings.ToLower(in.AdministrationID), in.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(inv)
}

func (h *accountAPI) invitation(c *fiber.Ctx) error {
	inv, err := h.Accounts.Invitation(c.UserContext(), param(c, "token"))
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

func (h *accountAPI) acceptInvitation(c *fiber.Ctx) error {
	var in account.Credentials
	if err := decode(c, &in); err != nil {
		return err
	}
	u, token, err := h.Accounts.AcceptInvitation(c.UserContext(), param(c, "token"), in, langOf(c))
	if err != nil {
		return err
	}
	if err := h.startSession(c, token); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": u.View()})
}

// userParams are GET /admin/users' query parameters.
type userParams struct {
	Q       string `json:"q" validate:"max=100"`
	Page    int    `json:"page" validate:"min=1,max=100000"`
	PerPage int    `json:"per_page" validate:"min=1,max=100"`
}

func (h *accountAPI) users(c *fiber.Ctx) error {
	in := userParams{Page: 1, PerPage: 20}
	if err := queryParams(c, &in); err != nil {
		return err
	}
	p, err := h.Accounts.ListUsers(c.UserContext(), in.Q, in.Page, in.PerPage)
	if err != nil {
		return err
	}
	return c.JSON(account.UserViews(p))
}

type roleChange struct {
	Role account.Role `json:"role" validate:"required,oneof=participant moderator admin"`
}

func (h *accountAPI) setRole(c *fiber.Ctx) error {
	var in roleChange
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := h.Accounts.SetRole(c.UserContext(), currentUser(c), param(c, "id"), in.Role)
	if err != nil {
		return err
	}
	return c.JSON(u.View())
}
