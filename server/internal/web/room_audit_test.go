package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Moderators' actions in rooms over HTTP append one entry each to the
// audit log (a moderator's deletion of another's message, mute, unmute,
// slow mode, archive and restore), with actor, target, place, reason and
// before/after; an author deleting their own message and a change to
// nothing log nothing; moderators read these entries; a copy left pending
// by a crash is appended at the next start only when the room still holds
// its After values.
func TestAuditRecordsRoomModeration(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	mod, modUser := env.NewUser(account.RoleModerator)
	anna, annaUser := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	first := send(t, anna, r.ID, "a1", "Primo")
	second := send(t, anna, r.ID, "a2", "Secondo")
	room := "/api/v1/rooms/" + r.ID
	msgID := func(seq int) string { return fmt.Sprintf("%s-%d", r.ID, seq) }
	steps := []auditStep{
		{anna, "DELETE", fmt.Sprintf("%s/messages/%d", room, first.Seq), nil, ""}, // her own
		{mod, "DELETE", fmt.Sprintf("%s/messages/%d", room, second.Seq), nil, "room.message_delete room_message:" + msgID(second.Seq)},
		{mod, "POST", room + "/mutes", map[string]any{"user_id": annaUser.ID, "minutes": 30, "reason": " Toni accesi. "}, "room.mute room_member:" + r.ID + "/" + annaUser.ID},
		{mod, "DELETE", room + "/mutes/" + annaUser.ID, nil, "room.unmute room_member:" + r.ID + "/" + annaUser.ID},
		{mod, "DELETE", room + "/mutes/" + annaUser.ID, nil, ""}, // not muted
		{mod, "PATCH", room, map[string]any{"slow_mode_s": 30}, "room.slow_mode room:" + r.ID},
		{mod, "PATCH", room, map[string]any{"slow_mode_s": 30, "name": "Tributi"}, ""}, // no moderation change
		{mod, "PATCH", room, map[string]any{"archived": true, "slow_mode_s": 0}, "room.archive room:" + r.ID + ", room.slow_mode room:" + r.ID},
		{mod, "PATCH", room, map[string]any{"archived": false}, "room.restore room:" + r.ID},
	}
	runAuditSteps(t, admin, steps)

	var modView auditPage
	mod.Expect(200, "GET", "/api/v1/admin/audit?action=room", nil).JSON(t, &modView)
	if modView.Total != 7 {
		t.Errorf("moderator reads %d room entries: %s; want 7", modView.Total, modView.actions())
	}
	byAction := map[string]int{}
	for i, e := range modView.Items {
		byAction[e.Action] = i
	}
	del := modView.Items[byAction["room.message_delete"]]
	if del.Actor.ID != modUser.ID || del.Place != r.ID || del.Before["deleted"] != false || del.After["deleted"] != true ||
		del.Target.Label != fmt.Sprintf("Tributi locali #%d", second.Seq) {
		t.Errorf("room.message_delete entry %+v", del)
	}
	mute := modView.Items[byAction["room.mute"]]
	if mute.Reason != "Toni accesi." || mute.Target.Label != annaUser.Name || mute.Before["muted_until"] != "" || mute.After["muted_until"] == "" {
		t.Errorf("room.mute entry %+v", mute)
	}
	if un := modView.Items[byAction["room.unmute"]]; un.Before["muted_until"] != mute.After["muted_until"] || un.After["muted_until"] != "" {
		t.Errorf("room.unmute entry %+v", un)
	}
	for _, a := range []string{"room.archive", "room.restore", "room.slow_mode"} {
		if !strings.Contains(strings.Join(modView.Actions, " "), a) {
			t.Errorf("moderator's action filters %v lack %s", modView.Actions, a)
		}
	}

	// The replay: every room entry pending again as by a kill -9 after its
	// write; appended again only where the target still holds After (the
	// room is restored now and its slow mode is 0, anna is not muted).
	logged, replayed := replayLogged(t, env, audit.Filter{Action: "room"})
	count := map[string]int{}
	for _, e := range replayed {
		count[e.Action+" "+fmt.Sprint(e.After)]++
	}
	for _, e := range logged {
		want := 1
		switch e.Action {
		case audit.RoomMessageDelete, audit.RoomUnmute, audit.RoomRestore:
			want = 2
		case audit.RoomSlowMode:
			if fmt.Sprint(e.After["slow_mode_s"]) == "0" {
				want = 2
			}
		}
		if got := count[e.Action+" "+fmt.Sprint(e.After)]; got != want {
			t.Errorf("after the replay %s %v is logged %d times, want %d", e.Action, e.After, got, want)
		}
	}
}
