package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/forum"
)

// fixture is what the load needs from the seeded board.
type fixture struct {
	bigThread  string
	threads    []string // ordinary threads
	categories []string
	tokens     []string // session tokens of participants
}

// seed creates participants of several administrations, fills the forum
// through the forum service's bulk import, and returns session tokens for
// the load.
func seed(ctx context.Context, b *boot.Board, o options) (*fixture, error) {
	rnd := rand.New(rand.NewPCG(1, 2))
	admin, err := b.Accounts.EnsureAdmin(ctx, "admin@bench.invalid", "bench-admin-password")
	if err != nil {
		return nil, err
	}
	var users []*account.User
	fx := &fixture{}
	for i := 0; i < 16; i++ {
		a, err := b.Accounts.NewApprovedAdministration(ctx, fmt.Sprintf("bench_%d", i), fmt.Sprintf("Comune di Prova %d", i), "comune", "lazio")
		if err != nil {
			return nil, err
		}
		u, err := b.Accounts.NewMember(ctx, a.ID, account.Credentials{Name: fmt.Sprintf("Utente Prova %d", i), Email: fmt.Sprintf("u%d@bench.invalid", i), Password: "bench-password-1"}, account.RoleParticipant)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
		tok, err := b.Accounts.CreateSession(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		fx.tokens = append(fx.tokens, tok)
	}
	cats, err := b.Forum.Categories(ctx, "it")
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		fx.categories = append(fx.categories, c.ID)
	}
	for i := len(fx.categories); i < o.categories; i++ {
		c, err := b.Forum.CreateCategory(ctx, admin, forum.CategoryInput{NameIT: fmt.Sprintf("Ambito di prova %d", i)}, "it")
		if err != nil {
			return nil, err
		}
		fx.categories = append(fx.categories, c.ID)
	}
	fx.categories = fx.categories[:o.categories]

	// Threads with their replies, loaded in bulk (forum.Import: the same
	// documents the API writes, without events); the first thread is the big one.
	threads := make([]forum.ImportThread, o.threads)
	for i := range threads {
		threads[i] = forum.ImportThread{
			CategoryID: fx.categories[i%len(fx.categories)],
			Title:      strings.TrimSuffix(sentence(rnd, 6), "."),
			Author:     users[rnd.IntN(len(users))],
			Body:       paragraph(rnd),
		}
	}
	replies := o.posts - o.threads
	bigReplies := min(o.big-1, replies)
	for i := 0; i < replies; i++ {
		t := &threads[0]
		if i >= bigReplies && len(threads) > 1 {
			t = &threads[1+rnd.IntN(len(threads)-1)]
		}
		t.Replies = append(t.Replies, forum.ImportReply{Author: users[rnd.IntN(len(users))], Body: paragraph(rnd)})
	}
	ids, err := b.Forum.Import(ctx, threads)
	if err != nil {
		return nil, err
	}
	fx.bigThread, fx.threads = ids[0], ids[1:]
	_ = rnd
	return fx, nil
}

var words = strings.Fields(`esternalizzazione servizio contratto capitolato penali qualità
attività perché società fornitore ente comune regione appalto gara offerta criterio
monitoraggio indicatori livelli prestazioni personale riorganizzazione controllo costi
analisi convenienza modello gestione affidamento procedura negoziata aperta utenti
cittadini risultati esperienza progetto obiettivi strategia valutazione rinnovo durata
importo mesi anni ufficio responsabile verifica trasparenza rendicontazione sostituibilità
reinternalizzazione partenariato convenzione consip benchmark clausola sociale dati`)

func sentence(rnd *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rnd.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func paragraph(rnd *rand.Rand) string {
	var b strings.Builder
	for i := 0; i < 3+rnd.IntN(4); i++ {
		b.WriteString(sentence(rnd, 8+rnd.IntN(12)))
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}
