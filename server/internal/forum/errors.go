package forum

import "github.com/cantieri/tavolo/server/internal/problem"

// Errors the forum returns; the web layer maps their kinds to statuses.
var (
	ErrCategoryNotFound = problem.Define(problem.NotFound, "category_not_found", "Categoria inesistente.", "No such category.")
	ErrThreadNotFound   = problem.Define(problem.NotFound, "thread_not_found", "Discussione inesistente.", "No such thread.")
	ErrPostNotFound     = problem.Define(problem.NotFound, "post_not_found", "Messaggio inesistente.", "No such post.")
	ErrDraftNotFound    = problem.Define(problem.NotFound, "draft_not_found", "Nessuna bozza salvata.", "No saved draft.")
	ErrThreadLocked     = problem.Define(problem.Forbidden, "thread_locked", "La discussione è chiusa: non si possono aggiungere risposte.", "The thread is locked: no more replies.")
	ErrCategoryArchived = problem.Define(problem.Forbidden, "category_archived", "La categoria è archiviata: è consultabile ma non si può più scrivere.", "The category is archived: it can be read but not written to.")
	ErrEditWindowClosed = problem.Define(problem.Forbidden, "edit_window_closed", "Il tempo per modificare questo contenuto è scaduto.", "The time to edit this has run out.")
	ErrNotAuthor        = problem.Define(problem.Forbidden, "not_author", "Solo l'autore o un moderatore può farlo.", "Only the author or a moderator may do this.")
	ErrModeratorOnly    = problem.Define(problem.Forbidden, "moderator_only", "Solo i moderatori possono farlo.", "Only moderators may do this.")
	ErrAdminOnly        = problem.Define(problem.Forbidden, "admin_only", "Solo gli amministratori possono gestire le categorie.", "Only administrators may manage categories.")
	ErrPostDeleted      = problem.Define(problem.Conflict, "post_deleted", "Il messaggio è stato eliminato.", "The post has been deleted.")
	ErrPostNotDeleted   = problem.Define(problem.NotFound, "post_not_deleted", "Il messaggio non è stato eliminato.", "The post has not been deleted.")
	ErrEditConflict     = problem.Define(problem.Conflict, "edit_conflict", "Il messaggio è stato modificato nel frattempo: ricarica e riprova.", "The post was changed meanwhile: reload and try again.")
)

// Field codes shown next to form fields.
var (
	fieldUnknownCategory = problem.DefineField("forum_unknown_category", "Categoria inesistente.", "No such category.")
	fieldParentElsewhere = problem.DefineField("forum_parent_other_thread", "Il messaggio a cui rispondi appartiene a un'altra discussione.", "The post you reply to belongs to another thread.")
	fieldParentUnknown   = problem.DefineField("forum_parent_unknown", "Il messaggio a cui rispondi non esiste.", "The post you reply to does not exist.")
	fieldParentDeleted   = problem.DefineField("forum_parent_deleted", "Il messaggio a cui rispondi è stato eliminato.", "The post you reply to has been deleted.")
	fieldAttachment      = problem.DefineField("forum_attachment", "Allegato inesistente o caricato da un altro utente.", "Unknown attachment, or uploaded by someone else.")
	fieldReactionKind    = problem.DefineField("forum_reaction_kind", "Reazione non prevista.", "Unknown reaction.")
	fieldCategoryOrder   = problem.DefineField("forum_category_order", "Indica ogni categoria esattamente una volta.", "List every category exactly once.")
	fieldDraftKey        = problem.DefineField("forum_draft_key", "Chiave della bozza non valida.", "Not a valid draft key.")
	fieldReadN           = problem.DefineField("forum_read_n", "Numero di messaggio non valido.", "Not a valid post number.")
	fieldDeleteReason    = problem.DefineField("forum_delete_reason", "Solo un moderatore può indicare il motivo dell'eliminazione.", "Only a moderator may give a reason for deleting.")
)
