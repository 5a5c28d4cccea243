package tables

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/rooms"
)

// roomWork is the outbox entry of a create: redone, it lists the table and
// opens its room if it has none.
type roomWork struct {
	TableID string `bson:"table_id"`
}

// pushWork is the outbox entry of an update: redone, it publishes the
// table as it is now (a later state is as good as the one that was cut off).
type pushWork struct {
	TableID string `bson:"table_id"`
}

// system opens the rooms: a participant may create a table, and each
// table gets its room whoever made it (rooms are otherwise opened by
// moderators).
var system = &account.User{ID: "system", Name: "Tavolo", Role: account.RoleAdmin}

func (s *Service) redoRoom(ctx context.Context, w *outbox.Work) error {
	var rw roomWork
	if err := w.Entry().Decode(&rw); err != nil {
		return err
	}
	d, err := s.load(ctx, rw.TableID, true)
	if errors.Is(err, ErrNotFound) {
		return nil // the crash came before the table: nothing to finish
	}
	if err != nil {
		return err
	}
	return s.finishCreate(ctx, d)
}

// finishCreate lists the table and opens its room unless it has one.
// Idempotent, but for a crash between the room and its link, which leaves
// one room unlinked.
func (s *Service) finishCreate(ctx context.Context, d *tableDoc) error {
	if _, err := s.index.W.UpdateOne(ctx, bson.M{"_id": indexID}, bson.M{"$addToSet": bson.M{"ids": d.ID}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("list table %s: %w", d.ID, err)
	}
	if d.RoomID != "" {
		return nil
	}
	if s.afterWrite != nil {
		if err := s.afterWrite(); err != nil {
			return err
		}
	}
	room, err := s.deps.Rooms.CreateRoom(ctx, system, rooms.NewRoom{Name: roomName(d.Name),
		Description: "La stanza accanto al tavolo di confronto «" + d.Name + "».", Kind: rooms.KindTable, TableID: d.ID,
		Access: rooms.AccessOpen, History: rooms.HistoryFull, Presence: rooms.PresenceNames})
	if err != nil {
		return fmt.Errorf("table %s: open room: %w", d.ID, err)
	}
	defer s.lock(d.ID)()
	defer s.docs.Written(d.ID)
	if _, err := s.tables.W.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$set": bson.M{"room_id": room.ID}}); err != nil {
		return fmt.Errorf("table %s: link room: %w", d.ID, err)
	}
	d.RoomID = room.ID
	return nil
}

// roomName is the table's name, cut to a room name's 120 characters.
func roomName(name string) string {
	r := []rune(name)
	if len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return name
}

func (s *Service) redoPush(ctx context.Context, w *outbox.Work) error {
	var pw pushWork
	if err := w.Entry().Decode(&pw); err != nil {
		return err
	}
	d, err := s.load(ctx, pw.TableID, true)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.push(ctx, d)
	return err
}

// push publishes table.updated with the table as everyone sees it (can_edit
// is each reader's: false here, the client asks GET /tables/:id).
func (s *Service) push(ctx context.Context, d *tableDoc) (int64, error) {
	seq, err := s.deps.Live.Publish(ctx, Topic(d.ID), "table.updated", s.view(nil, d, 0))
	if err != nil {
		return 0, fmt.Errorf("table %s: publish: %w", d.ID, err)
	}
	return seq, nil
}

// LiveRules are the hub's rules for topics (realtime.Hub).
type LiveRules interface {
	Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error)
	PresenceMode(kind string, rule func(ctx context.Context, id string) (countsOnly bool, err error))
}

// RegisterLive sets who may subscribe to table:<id> (whoever may read the
// table) and gives it presence with names: viewers see who is looking and
// on which row (the `focus` events).
func (s *Service) RegisterLive(a LiveRules) {
	a.Authorize("table", func(ctx context.Context, u *account.User, id string) error {
		if _, err := s.loadFor(ctx, u, id, authz.SubscribeTable); err != nil {
			return err
		}
		return nil
	})
	a.PresenceMode("table", func(context.Context, string) (bool, error) { return false, nil })
}
