package experiences

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/outbox"
)

// The discussion thread of each published record lives in the "Tavolo di
// confronto" category; the record stores the thread's id and the thread's
// first post links the record (the client's page /esperienze/<id>).

// tableCategoryID is the default category's fixed id (forum's defaults).
const tableCategoryID = "tavolo-confronto"

var tableCategory = forum.CategoryInput{NameIT: "Tavolo di confronto: esperienze concluse", NameEN: "Comparison table: completed experiences",
	DescriptionIT: "Le amministrazioni che hanno già esternalizzato raccontano.", DescriptionEN: "Administrations that have already outsourced tell their story."}

// RecordPath is where the client shows a record.
const RecordPath = "/esperienze/"

// threadWork is the outbox entry of a publish: redone, it opens the thread
// if the record has none.
type threadWork struct {
	RecordID string `bson:"record_id"`
	UserID   string `bson:"user_id"`
}

// system acts for the board where no person does: creating the category
// an admin removed.
var system = &account.User{ID: "system", Name: "Tavolo", Role: account.RoleAdmin}

func (s *Service) redoThread(ctx context.Context, w *outbox.Work) error {
	var tw threadWork
	if err := w.Entry().Decode(&tw); err != nil {
		return err
	}
	_, err := s.ensureThread(ctx, tw.RecordID, tw.UserID)
	return err
}

// ensureThread opens the record's thread unless it has one (or is not
// published: the publish was refused), and links it. Idempotent: the
// forum answers the thread a crashed attempt opened (its key is the
// record's), so redoing never opens a second one.
func (s *Service) ensureThread(ctx context.Context, recordID, userID string) (string, error) {
	d, err := s.load(ctx, recordID)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if d.ThreadID != "" || d.Status == StatusDraft {
		return d.ThreadID, nil
	}
	cat, err := s.tableCategory(ctx)
	if err != nil {
		return "", err
	}
	author, err := s.deps.Directory.User(ctx, userID)
	if err != nil || !authz.Can(authz.CreateThread, author.Subject(), authz.Item{}) {
		author = system // suspended or gone since: the board opens it
	}
	f, err := d.fields()
	if err != nil {
		return "", err
	}
	title := "Esperienza: " + f.Titolo
	if utf8.RuneCountInString(title) > 200 {
		title = string([]rune(title)[:199]) + "…"
	}
	body := fmt.Sprintf("Discussione sull'esperienza **[%s](%s%s)** di %s.\n\nScheda completa, atti e storico delle versioni: [%s%s](%s%s).",
		mdEscape(f.Titolo), RecordPath, d.ID, mdEscape(d.Administration.Name), RecordPath, d.ID, RecordPath, d.ID)
	th, _, err := s.deps.Forum.CreateThread(ctx, author, forum.NewThread{CategoryID: cat, Title: title, Body: body, Key: "experience:" + recordID})
	if err != nil {
		return "", fmt.Errorf("experience %s: create thread: %w", recordID, err)
	}
	if s.beforeLink != nil {
		if err := s.beforeLink(); err != nil {
			return "", err
		}
	}
	defer s.lock(recordID)()
	if _, err := s.heads.W.UpdateOne(ctx, bson.M{"_id": recordID}, bson.M{"$set": bson.M{"thread_id": th.ID}}); err != nil {
		return "", fmt.Errorf("experience %s: link thread: %w", recordID, err)
	}
	s.index.setThread(recordID, th.ID)
	return th.ID, nil
}

// tableCategory finds the category, creating it if an admin removed it.
func (s *Service) tableCategory(ctx context.Context) (string, error) {
	cats, err := s.deps.Forum.Categories(ctx, "it")
	if err != nil {
		return "", err
	}
	for _, c := range cats {
		if c.ID == tableCategoryID || strings.HasPrefix(strings.ToLower(c.Name), "tavolo di confronto") {
			return c.ID, nil
		}
	}
	c, err := s.deps.Forum.CreateCategory(ctx, system, tableCategory, "it")
	if err != nil {
		return "", fmt.Errorf("create the category %q: %w", tableCategory.NameIT, err)
	}
	return c.ID, nil
}

// mdEscape keeps a title from being read as markdown.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`, `>`, `\>`, "(", `\(`, ")", `\)`, "#", `\#`, "!", `\!`)
	return r.Replace(s)
}
