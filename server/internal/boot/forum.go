package boot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/demo"
	"github.com/cantieri/tavolo/server/internal/forum"
)

// forumLive is what the forum needs from the realtime hub.
type forumLive interface {
	forum.Publisher
	forum.TopicAuthorizer
}

// buildForum wires the forum to its collaborators, registers its topic
// rules and creates the default categories; now is its clock (nil: the
// wall clock).
func (b *Board) buildForum(ctx context.Context, log *slog.Logger, live forumLive, now func() time.Time) (*forum.Service, error) {
	f := forum.New(forum.Deps{
		Store:       b.Store,
		Logger:      log,
		EditWindow:  b.Config.EditWindow,
		Publisher:   live,
		Indexer:     b.SearchQueue,
		Notifier:    b.Notify,
		Attachments: b.Attachments,
		Directory:   b.Accounts,
		Outbox:      b.Outbox,
		Audit:       b.Audit,
		Now:         now,
		Background:  true,
	})
	b.closers = append(b.closers, f.Close) // sends the notifications still queued
	f.RegisterTopics(live)
	f.RegisterFiles(b.Attachments)
	b.DemoSeeders = append(b.DemoSeeders, forumDemo(f))
	if err := f.Init(ctx); err != nil {
		return nil, fmt.Errorf("forum: %w", err)
	}
	return f, nil
}

// forumDemo starts a few conversations among the demo participants.
func forumDemo(f *forum.Service) demo.Seeder {
	return func(ctx context.Context, c *demo.Cantiere) error {
		if len(c.Participants) < 4 {
			return nil
		}
		p := c.Participants
		threads := []struct {
			by              *account.User
			category, title string
			body            string
			replies         []string // each answers the previous one
		}{
			{p[0], "bacheca", "Calendario dei seminari di gennaio",
				"Il primo seminario in presenza è il **15 gennaio**, a Roma. Seguirà un incontro a distanza sul make-or-buy.",
				[]string{"Ci saremo in due. Ci sarà anche il collegamento da remoto?", "Sì, il link arriva via email la settimana prima."}},
			{p[1], "analisi-strategica", "Come avete calcolato il costo pieno del servizio paghe?",
				"Stiamo ricostruendo il costo interno ante esternalizzazione: personale, licenze, spazi. Che quota di costi generali avete imputato?",
				[]string{"Noi il 12% del costo del personale, seguendo le indicazioni del manuale.", "Avete confrontato il risultato con i benchmark CONSIP?"}},
			{p[2], "atti-affidamento", "SLA e penali nel capitolato delle pulizie",
				"Condivido la tabella degli SLA che abbiamo messo a gara:\n\n| indicatore | soglia |\n|---|---|\n| tempo di intervento | 4 ore |\n| controlli a campione | 10%/mese |",
				[]string{"Le penali erano proporzionali al canone?", "Sì, lo 0,5 per mille per ogni giorno di ritardo."}},
		}
		for i, t := range threads {
			th, first, err := f.CreateThread(ctx, t.by, forum.NewThread{CategoryID: t.category, Title: t.title, Body: t.body})
			if err != nil {
				return fmt.Errorf("demo thread %q: %w", t.title, err)
			}
			parent := first.ID
			for j, body := range t.replies {
				post, err := f.Reply(ctx, p[(i+j+1)%len(p)], th.ID, forum.NewPost{Body: body, ParentID: parent})
				if err != nil {
					return fmt.Errorf("demo reply in %q: %w", t.title, err)
				}
				parent = post.ID
			}
			if _, err := f.React(ctx, p[(i+3)%len(p)], first.ID, "utile", true); err != nil {
				return fmt.Errorf("demo reaction: %w", err)
			}
		}
		return nil
	}
}
