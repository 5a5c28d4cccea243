package rooms

import (
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Errors the rooms return; the web layer maps their kinds to statuses.
var (
	// ErrRoomNotFound also answers rooms the user may not enter.
	ErrRoomNotFound    = problem.ErrNotFound
	ErrMessageNotFound = problem.Define(problem.NotFound, "message_not_found", "Messaggio inesistente.", "No such message.")
	ErrRoomArchived    = problem.Define(problem.Conflict, "room_archived", "La stanza è archiviata: si può leggere ma non scrivere.", "The room is archived: it can be read but not written to.")
	ErrClientIDReused  = problem.Define(problem.Conflict, "client_id_reused", "Questo identificativo di messaggio è già stato usato per un testo diverso.", "This message id was already used for a different text.")
	ErrMuted           = problem.Define(problem.Forbidden, "muted", "Un moderatore ti ha silenziato in questa stanza per un po'.", "A moderator has muted you in this room for a while.")
	ErrSlowMode        = problem.Define(problem.TooMany, "slow_mode", "Modalità lenta: attendi prima di inviare un altro messaggio.", "Slow mode: wait before sending another message.")
	ErrRateLimited     = problem.ErrTooMany
	// The forums' own words for the same refusals.
	ErrNotAuthor        = forum.ErrNotAuthor
	ErrModeratorOnly    = forum.ErrModeratorOnly
	ErrEditWindowClosed = forum.ErrEditWindowClosed
	ErrMessageDeleted   = problem.Define(problem.Conflict, "message_deleted", "Il messaggio è stato eliminato.", "The message has been deleted.")
	ErrAlreadyPromoted  = problem.Define(problem.Conflict, "already_promoted", "Il messaggio è già diventato una discussione.", "The message is already a thread.")
	ErrMessageTooLong   = problem.Define(problem.TooLarge, "message_too_long", "Il messaggio è troppo lungo: al massimo 4000 caratteri.", "The message is too long: at most 4000 characters.")
)

// Field codes shown next to form fields.
var (
	fieldAdministrations = problem.DefineField("rooms_administrations", "Indica almeno un'amministrazione invitata.", "List at least one invited administration.")
	fieldReplyTo         = problem.DefineField("rooms_reply_to", "Il messaggio a cui rispondi non esiste o è stato eliminato.", "The message you reply to does not exist or was deleted.")
	fieldAttachment      = problem.DefineField("rooms_attachment", "Allegato inesistente o caricato da un altro utente.", "Unknown attachment, or uploaded by someone else.")
	fieldEmoji           = problem.DefineField("rooms_emoji", "Reazione non prevista.", "Unknown reaction.")
	fieldUser            = problem.DefineField("rooms_user", "Utente inesistente.", "No such user.")
	fieldSeq             = problem.DefineField("rooms_seq", "Numero di messaggio non valido.", "Not a valid message number.")
	fieldCategory        = problem.DefineField("rooms_category", "Categoria inesistente o archiviata.", "No such category, or archived.")
)
