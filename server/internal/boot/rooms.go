package boot

import (
	"log/slog"

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
		Threads:     b.Forum,
		Outbox:      b.Outbox,
		Now:         o.forumNow,
		SendRate:    o.roomSends,
		SendPeriod:  o.roomPeriod,
	})
	r.RegisterTopics(live)
	r.RegisterLive(live)
	r.RegisterFiles(b.Attachments)
	return r
}
