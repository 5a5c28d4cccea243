package account

import "github.com/cantieri/tavolo/server/internal/problem"

// Errors the account package returns; the web layer maps them by kind.
var (
	ErrInvalidCredentials = problem.Define(problem.Unauthorized, "invalid_credentials",
		"Email o password non corretti.", "Wrong email or password.")
	ErrEnrolmentClosed = problem.Define(problem.Forbidden, "enrolment_closed",
		"Le iscrizioni al Cantiere sono chiuse: la scadenza è passata.", "Enrolment in the Cantiere is closed: the deadline has passed.")
	ErrAdministrationPending = problem.Define(problem.Forbidden, "administration_pending",
		"La tua amministrazione è in attesa di approvazione.", "Your administration is waiting for approval.")
	ErrAdministrationRejected = problem.Define(problem.Forbidden, "administration_rejected",
		"L'iscrizione della tua amministrazione non è stata accolta.", "Your administration's enrolment was not accepted.")
	ErrSuspended = problem.Define(problem.Forbidden, "account_suspended",
		"Il tuo account è sospeso.", "Your account is suspended.")
	ErrTokenInvalid = problem.Define(problem.NotFound, "token_invalid",
		"Il link non è valido.", "This link is not valid.")
	ErrTokenExpired = problem.Define(problem.Gone, "token_expired",
		"Il link è scaduto: chiedine uno nuovo.", "This link has expired: ask for a new one.")
	ErrTokenUsed = problem.Define(problem.Gone, "token_used",
		"Il link è già stato usato.", "This link has already been used.")
	ErrTaken = problem.Define(problem.Conflict, "already_taken",
		"Alcuni valori sono già in uso.", "Some values are already in use.")
	ErrCannotDemoteSelf = problem.Define(problem.Forbidden, "cannot_demote_self",
		"Non puoi togliere a te stesso il ruolo di amministratore.", "You cannot remove your own admin role.")
	ErrNotReferente = problem.Define(problem.Forbidden, "not_referente",
		"Solo il referente della tua amministrazione o un amministratore può invitare.", "Only your administration's contact person or an admin can invite.")
	ErrOtherAdministration = problem.Define(problem.Forbidden, "other_administration",
		"Puoi invitare solo nella tua amministrazione.", "You can only invite into your own administration.")
	ErrAdministrationNotFound = problem.Define(problem.NotFound, "administration_not_found",
		"Amministrazione non trovata.", "Administration not found.")
	ErrAdministrationNotApproved = problem.Define(problem.Conflict, "administration_not_approved",
		"L'amministrazione non è ancora approvata.", "The administration is not approved yet.")
	ErrUserNotFound = problem.Define(problem.NotFound, "user_not_found",
		"Utente non trovato.", "User not found.")
	ErrAlreadyDecided = problem.Define(problem.Conflict, "already_decided",
		"Questa iscrizione è già stata decisa.", "This enrolment has already been decided.")
)

// Field codes of account forms.
var (
	FieldCodiceIPA       = problem.DefineField("codice_ipa", "Da 2 a 11 caratteri: lettere, cifre e _.", "2 to 11 characters: letters, digits and _.")
	FieldWrongPassword   = problem.DefineField("wrong_password", "Password attuale non corretta.", "Current password is wrong.")
	FieldInvitationEmail = problem.DefineField("invitation_email", "Usa l'indirizzo a cui è stato inviato l'invito.", "Use the address the invitation was sent to.")
)

// taken is ErrTaken naming the fields already in use.
func taken(fields ...string) *problem.Error {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		m[f] = problem.FieldTaken
	}
	return ErrTaken.With(m)
}
