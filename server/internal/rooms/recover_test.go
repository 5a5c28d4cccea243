package rooms_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// The states a kill -9 can leave a send in, written as the send writes
// them, then healed by the start-up redo, Reconcile or the client's resend.
func TestRecoverCutOffSends(t *testing.T) {
	f := newTwoMembers(t, "Stanza")
	env, ctx, svc, st := f.env, f.ctx, f.env.Board.Rooms, f.env.Board.Store
	anna, bruno, r := f.anna, f.bruno, f.room
	sent, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "model", Body: "Primo"})
	if err != nil {
		t.Fatal(err)
	}
	// A read waits for the send's writes after its answer, which raise
	// the counter: the writes below are a later crash's.
	if _, err := svc.Room(ctx, anna, r.ID); err != nil {
		t.Fatal(err)
	}
	take := func() { // a seq taken, as a send does first
		if _, err := st.C("room_heads").UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$inc": bson.M{"n": 1}}, options.UpdateOne().SetUpsert(true)); err != nil {
			t.Fatal(err)
		}
	}
	record := func(id string, seq int, sendID string) { // the send's outbox entry
		data, _ := bson.Marshal(bson.M{"room_id": r.ID, "seq": seq, "send_id": sendID})
		if _, err := st.C("outbox").InsertOne(ctx, bson.M{"_id": id, "kind": "rooms.sent", "data": bson.Raw(data), "created_at": time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	sendDoc := func(seq int, clientID string) bson.M { // a client id's document, with its message
		msg := bson.M{"seq": seq, "client_id": clientID, "author": bson.M{"id": anna.ID, "name": anna.Name},
			"body": "Interrotto", "html": "<p>Interrotto</p>", "created_at": time.Now(), "edit_count": 0,
			"mentions": bson.M{"users": bson.A{}, "administrations": bson.A{}}}
		return bson.M{"_id": r.ID + "/" + anna.ID + "/" + clientID, "seq": seq, "hash": rooms.NewMessage{Body: "Interrotto"}.Hash(), "msg": msg}
	}
	storeSend := func(seq int, clientID string) { // as Send stores a client id on MongoDB
		if _, err := st.C("room_sends").InsertOne(ctx, sendDoc(seq, clientID)); err != nil {
			t.Fatal(err)
		}
	}
	// seq 2: taken and recorded, the client id never stored -> a void
	take()
	record("rooms.sent:a", 2, r.ID+"/"+anna.ID+"/lost")
	// seq 3: taken, recorded, client id stored, message never written -> written
	take()
	record("rooms.sent:b", 3, r.ID+"/"+anna.ID+"/cut")
	storeSend(3, "cut")
	// seq 4: taken, nothing else -> a void
	take()
	// seq 5: client id stored, no outbox entry left (it was redone) and the
	// message missing: the client's resend writes it.
	take()
	storeSend(5, "resent")
	// seq 6: numbered in memory (the embedded store's counter is raised
	// by the writes after the answer), recorded, client id stored, then
	// the kill: the redo raises the counter and writes the message.
	record("rooms.sent:c", 6, r.ID+"/"+anna.ID+"/answered")
	storeSend(6, "answered")
	// seq 7: numbered in memory, recorded with its client id's document
	// (on the embedded store the entry is the one insert before the
	// answer, the applier stores the client id), then the kill: the redo
	// stores the client id and writes the message.
	held, _ := bson.Marshal(bson.M{"room_id": r.ID, "sends": bson.A{bson.M{"seq": 7, "send_id": r.ID + "/" + anna.ID + "/held"}},
		"docs": bson.A{sendDoc(7, "held")}})
	if _, err := st.C("outbox").InsertOne(ctx, bson.M{"_id": "rooms.sent:d", "kind": "rooms.sent", "data": bson.Raw(held), "created_at": time.Now()}); err != nil {
		t.Fatal(err)
	}

	if err := env.Board.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Messages(ctx, bruno, r.ID, rooms.PageQuery{After: rooms.NoAfter})
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, m := range p.Messages {
		got += m.ClientID + " "
	}
	if want := "model cut answered held "; got != want || p.Head != 7 {
		t.Errorf("after the redo: %q head %d, want %q head 7", got, p.Head, want)
	}
	// seq 7's client id is stored: its resend answers it, another text is refused.
	if res, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "held", Body: "Interrotto"}); err != nil || res.Created || res.Message.Seq != 7 {
		t.Errorf("resend of seq 7 = %+v, %v; want seq 7, not created", res, err)
	}
	if _, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "held", Body: "Altro"}); !errors.Is(err, rooms.ErrClientIDReused) {
		t.Errorf("seq 7's client id with another text: got %v, want client_id_reused", err)
	}
	// seq 5 was voided (no message, nothing to redo: a state the send's
	// order never leaves, checked all the same); the resend writes it.
	room, err := svc.Room(ctx, bruno, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if room.Me.Unread != 4 {
		t.Errorf("bruno's unread = %d, want 4 (seqs 1, 3, 6 and 7)", room.Me.Unread)
	}
	res, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "resent", Body: "Interrotto"})
	if err != nil || res.Created || res.Message.Seq != 5 {
		t.Fatalf("resend = %+v, %v; want seq 5, not created", res, err)
	}
	if _, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "resent", Body: "Altro"}); err == nil {
		t.Errorf("resend with another body: no error")
	}
	if room, _ = svc.Room(ctx, bruno, r.ID); room.Me.Unread != 5 {
		t.Errorf("bruno's unread after the resend = %d, want 5", room.Me.Unread)
	}
	// The next send is numbered after them all.
	if next, err := svc.Send(ctx, anna, r.ID, rooms.NewMessage{ClientID: "next", Body: "Dopo"}); err != nil || next.Message.Seq != 8 {
		t.Errorf("next send = seq %d, %v; want seq 8", next.Message.Seq, err)
	}
	_ = sent
}

// The hooks the realtime hub asks about presence and typing.
func TestPresenceAndTypingRules(t *testing.T) {
	env := webtest.Start(t, nil)
	ctx := testenv.Ctx(t)
	svc := env.Board.Rooms
	_, mod := env.NewUser(account.RoleModerator)
	_, anna := env.NewUser(account.RoleParticipant)
	_, bruno := env.NewUser(account.RoleParticipant)
	counts, err := svc.CreateRoom(ctx, mod, rooms.NewRoom{Name: "Conteggi", Kind: "theme", Access: "open", History: "full", Presence: "counts"})
	if err != nil {
		t.Fatal(err)
	}
	names, err := svc.CreateRoom(ctx, mod, rooms.NewRoom{Name: "Nomi", Kind: "theme", Access: "open", History: "full", Presence: "names"})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{counts.ID: true, names.ID: false} {
		if got, err := svc.PresenceCountsOnly(ctx, id); err != nil || got != want {
			t.Errorf("counts only of %s = %v %v, want %v", id, got, err, want)
		}
	}
	if err := svc.MuteMember(ctx, mod, names.ID, rooms.Mute{UserID: bruno.ID, Minutes: 5}); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := svc.UpdateRoom(ctx, mod, counts.ID, rooms.RoomPatch{Archived: &on}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		u    *account.User
		room string
		ok   bool
	}{
		{"member", anna, names.ID, true},
		{"muted", bruno, names.ID, false},
		{"archived", anna, counts.ID, false},
	}
	for _, c := range cases {
		if err := svc.MayType(ctx, c.u, c.room); (err == nil) != c.ok {
			t.Errorf("%s: may type = %v, want %v", c.name, err, c.ok)
		}
	}
}

// A room stored when its gone list was a field of the room: the start-up
// moves the list to room_gone, and the unread counts read the same before
// and after.
func TestReconcileMovesTheGoneList(t *testing.T) {
	f := newTwoMembers(t, "Stanza")
	ctx, svc, st := f.ctx, f.env.Board.Rooms, f.env.Board.Store
	for i := range 4 {
		if _, err := svc.Send(ctx, f.anna, f.room.ID, rooms.NewMessage{ClientID: fmt.Sprint("c", i), Body: "Ciao"}); err != nil {
			t.Fatal(err)
		}
	}
	// seqs 2 and 3 deleted as an older board recorded it: in the room.
	if _, err := st.C("rooms").UpdateOne(ctx, bson.M{"_id": f.room.ID}, bson.M{"$set": bson.M{"gone": bson.A{2, 3}}}); err != nil {
		t.Fatal(err)
	}
	svc.Written(f.room.ID)
	unread := func(when string) {
		t.Helper()
		room, err := svc.Room(ctx, f.bruno, f.room.ID)
		if err != nil || room.Me.Unread != 2 {
			t.Errorf("%s: bruno's unread = %d (%v), want 2", when, room.Me.Unread, err)
		}
	}
	unread("before the move")
	if err := svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	unread("after the move")
	var left bson.M
	if err := st.C("rooms").FindOne(ctx, bson.M{"_id": f.room.ID}).Decode(&left); err != nil || left["gone"] != nil {
		t.Errorf("room after the move: gone = %v (%v), want none", left["gone"], err)
	}
	var moved struct {
		Seqs []int `bson:"seqs"`
	}
	if err := st.C("room_gone").FindOne(ctx, bson.M{"_id": f.room.ID}).Decode(&moved); err != nil || fmt.Sprint(moved.Seqs) != "[2 3]" {
		t.Errorf("room_gone = %v (%v), want [2 3]", moved.Seqs, err)
	}
}
