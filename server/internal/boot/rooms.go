package boot

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/demo"
	"github.com/cantieri/tavolo/server/internal/rooms"
)

// roomsLive is what the rooms need from the realtime hub.
type roomsLive interface {
	rooms.Publisher
	rooms.TopicAuthorizer
	rooms.LiveRules
}

// buildRooms wires the rooms to their collaborators and registers their
// topic and file rules; o gives their clock (the forum's) and send rate.
// Their Reconcile runs after the outbox's Recover (Build).
func (b *Board) buildRooms(log *slog.Logger, live roomsLive, o *options) *rooms.Service {
	r := rooms.New(rooms.Deps{
		Store:       b.Store,
		Logger:      log,
		EditWindow:  b.Config.EditWindow,
		Publisher:   live,
		Attachments: b.Attachments,
		Directory:   b.Accounts,
		Notifier:    b.Notify,
		Threads:     b.Forum,
		Outbox:      b.Outbox,
		Audit:       b.Audit,
		Now:         o.forumNow,
		SendRate:    o.roomSends,
		SendPeriod:  o.roomPeriod,
	})
	r.RegisterTopics(live)
	r.RegisterLive(live)
	r.RegisterFiles(b.Attachments)
	b.DemoSeeders = append(b.DemoSeeders, roomsDemo(r))
	return r
}

// roomsDemo opens a few rooms with conversations among the demo
// administrations: an open theme, a table's room, and one invited room.
func roomsDemo(r *rooms.Service) demo.Seeder {
	return func(ctx context.Context, c *demo.Cantiere) error {
		p := c.Participants
		if len(p) < 4 || len(c.Administrations) < 2 {
			return nil
		}
		type line struct {
			by      *account.User
			body    string
			replyTo int
		}
		list := []struct {
			room  rooms.NewRoom
			lines []line
		}{
			{rooms.NewRoom{Name: "Servizio paghe: internalizzare o no?", Description: "Confronto aperto sul make-or-buy del servizio paghe.",
				Kind: rooms.KindTheme, Access: rooms.AccessOpen, History: rooms.HistoryFull, Presence: rooms.PresenceNames}, []line{
				{p[0], "Buongiorno a tutti! Noi stiamo valutando di riportare le paghe in casa dal 2027.", 0},
				{p[1], "Noi l'abbiamo fatto due anni fa: il costo pieno è sceso del **12%**, ma serve formazione.", 1},
				{p[2], "Quante persone avete dedicato al servizio?", 2},
				{p[1], "Due a tempo pieno più una a metà tempo per le dichiarazioni.", 3},
				{p[3], "Interessante. Condividete il calcolo del costo pieno nella tabella di confronto?", 0},
			}},
			{rooms.NewRoom{Name: "Tabella di confronto: pulizie", Description: "La stanza accanto alla tabella di confronto dei capitolati delle pulizie.",
				Kind: rooms.KindTable, TableID: "pulizie", Access: rooms.AccessOpen, History: rooms.HistoryFull, Presence: rooms.PresenceCounts}, []line{
				{p[2], "Ho aggiunto i nostri SLA alla tabella: tempo di intervento 4 ore.", 0},
				{p[0], "Le penali le avete calcolate sul canone mensile?", 1},
				{p[2], "Sì, lo 0,5 per mille per ogni giorno di ritardo.", 2},
			}},
			{rooms.NewRoom{Name: "Riunione dei referenti", Description: "Solo per le amministrazioni invitate.", Kind: rooms.KindMeeting,
				Meeting: "Incontro a distanza di gennaio", Access: rooms.AccessInvited, History: rooms.HistorySinceJoin, Presence: rooms.PresenceNames,
				AdministrationIDs: []string{c.Administrations[0].ID, c.Administrations[1].ID}}, []line{
				{c.Moderator, "Benvenuti: qui prepariamo l'ordine del giorno dell'incontro di gennaio.", 0},
			}},
		}
		for _, rm := range list {
			room, err := r.CreateRoom(ctx, c.Moderator, rm.room)
			if err != nil {
				return fmt.Errorf("demo room %q: %w", rm.room.Name, err)
			}
			for i, l := range rm.lines {
				if _, err := r.Send(ctx, l.by, room.ID, rooms.NewMessage{ClientID: fmt.Sprint("demo-", i), Body: l.body, ReplyTo: l.replyTo}); err != nil {
					return fmt.Errorf("demo message in %q: %w", rm.room.Name, err)
				}
			}
		}
		return nil
	}
}
