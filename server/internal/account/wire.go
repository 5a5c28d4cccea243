package account

import "time"

// The API's bodies (openapi.yaml's User, Administration, Mentionable) are
// kept apart from the stored documents so that either can change alone,
// and so that nothing stored (a password hash, an administration's
// members) reaches an answer by a forgotten tag.

// UserView is a user as the API answers it.
type UserView struct {
	ID                   string `json:"id"`
	Email                string `json:"email"`
	Name                 string `json:"name"`
	Handle               string `json:"handle"`
	Role                 Role   `json:"role"`
	AdministrationID     string `json:"administration_id"`
	AdministrationIPA    string `json:"administration_ipa"`
	AdministrationName   string `json:"administration_name"`
	AdministrationStatus string `json:"administration_status"`
	// AdministrationRejectionReason tells a rejected referente why, on the waiting page.
	AdministrationRejectionReason string     `json:"administration_rejection_reason,omitempty"`
	Referente                     bool       `json:"referente"`
	Lang                          string     `json:"lang"`
	Suspended                     bool       `json:"suspended"`
	SuspendedUntil                *time.Time `json:"suspended_until,omitempty"`
	SuspensionReason              string     `json:"suspension_reason,omitempty"`
	CreatedAt                     time.Time  `json:"created_at"`
}

// View is the user as the API answers it; nil (nobody logged in) stays nil.
func (u *User) View() *UserView {
	if u == nil {
		return nil
	}
	return &UserView{ID: u.ID, Email: u.Email, Name: u.Name, Handle: u.Handle, Role: u.Role,
		AdministrationID: u.AdministrationID, AdministrationIPA: u.AdministrationIPA,
		AdministrationName: u.AdministrationName, AdministrationStatus: u.AdministrationStatus,
		AdministrationRejectionReason: u.AdministrationRejectionReason, Referente: u.Referente,
		Lang: u.Lang, Suspended: u.Suspended, SuspendedUntil: u.SuspendedUntil, SuspensionReason: u.SuspensionReason, CreatedAt: u.CreatedAt}
}

// UserViews is a page of users as the API answers it.
func UserViews(p Page[User]) Page[UserView] {
	out := Page[UserView]{Items: make([]UserView, 0, len(p.Items)), Page: p.Page, PerPage: p.PerPage, Total: p.Total}
	for i := range p.Items {
		out.Items = append(out.Items, *p.Items[i].View())
	}
	return out
}

// AdministrationView is an administration as the API answers it.
type AdministrationView struct {
	ID              string     `json:"id"`
	CodiceIPA       string     `json:"codice_ipa"`
	Name            string     `json:"name"`
	Category        string     `json:"category"`
	Region          string     `json:"region"`
	Status          string     `json:"status"`
	ReferenteID     string     `json:"referente_id"`
	ReferenteName   string     `json:"referente_name"`
	ReferenteEmail  string     `json:"referente_email"`
	CreatedAt       time.Time  `json:"created_at"`
	DecidedAt       *time.Time `json:"decided_at"`
	RejectionReason string     `json:"rejection_reason,omitempty"`
}

// View is the administration as the API answers it.
func (a *Administration) View() AdministrationView {
	return AdministrationView{ID: a.ID, CodiceIPA: a.CodiceIPA, Name: a.Name, Category: a.Category, Region: a.Region,
		Status: a.Status, ReferenteID: a.ReferenteID, ReferenteName: a.ReferenteName, ReferenteEmail: a.ReferenteEmail,
		CreatedAt: a.CreatedAt, DecidedAt: a.DecidedAt, RejectionReason: a.RejectionReason}
}

// AdministrationViews is a list of administrations as the API answers it.
func AdministrationViews(list []Administration) []AdministrationView {
	out := make([]AdministrationView, 0, len(list))
	for i := range list {
		out = append(out, list[i].View())
	}
	return out
}

// MentionableView is a handle as the mention autocomplete answers it.
type MentionableView struct {
	Handle string `json:"handle"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

// MentionableViews is a list of handles as the API answers it.
func MentionableViews(list []Mentionable) []MentionableView {
	out := make([]MentionableView, 0, len(list))
	for _, m := range list {
		out = append(out, MentionableView{Handle: m.Handle, Kind: m.Kind, Name: m.Name, Detail: m.Detail})
	}
	return out
}
