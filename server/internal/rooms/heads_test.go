package rooms_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/rooms"
)

// A room stored before the seq counter moved to room_heads kept it in the
// room's "head" field: it reads the same and its sends go on from there.
func TestRoomFromBeforeTheHeadCounter(t *testing.T) {
	f := newTwoMembers(t, "Vecchia")
	ctx, svc, st := f.ctx, f.env.Board.Rooms, f.env.Board.Store
	mod, anna, bruno, r := f.mod, f.anna, f.bruno, f.room
	for _, c := range []string{"a", "b", "c"} {
		if _, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: c, Body: "Prima " + c}); err != nil {
			t.Fatal(err)
		}
	}
	// As the older store has it: head 3 in the room, no counter.
	if _, err := st.C("room_heads").DeleteOne(ctx, bson.M{"_id": r.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.C("rooms").UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": bson.M{"head": 3}}); err != nil {
		t.Fatal(err)
	}
	svc.Written(r.ID)
	view := func(step string, head, unread int) {
		t.Helper()
		got, err := svc.Room(ctx, bruno, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Head != head || got.Me.Unread != unread {
			t.Errorf("%s: head %d unread %d, want head %d unread %d", step, got.Head, got.Me.Unread, head, unread)
		}
		list, err := svc.Rooms(ctx, bruno)
		if err != nil || len(list) != 1 || list[0].Head != head || list[0].Me.Unread != unread {
			t.Errorf("%s: list %+v %v, want head %d unread %d", step, list, err, head, unread)
		}
	}
	view("before a send", 3, 3)
	for i, c := range []string{"d", "e"} {
		got, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: c, Body: "Dopo " + c})
		if err != nil || got.Message.Seq != 4+i {
			t.Fatalf("send %s = seq %d %v, want seq %d", c, got.Message.Seq, err, 4+i)
		}
	}
	view("after two sends", 5, 5)
	p, err := svc.Messages(ctx, bruno, r.ID, rooms.PageQuery{After: rooms.NoAfter})
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, m := range p.Messages {
		got += m.ClientID
	}
	if got != "abcde" || p.Head != 5 {
		t.Errorf("page %q head %d, want %q head 5", got, p.Head, "abcde")
	}
	// A settings change returns the room with the counter's head too.
	name := "Rinominata"
	if up, err := svc.UpdateRoom(ctx, mod, r.ID, rooms.RoomPatch{Name: &name}); err != nil || up.Head != 5 {
		t.Errorf("update = head %d %v, want head 5", up.Head, err)
	}
}
