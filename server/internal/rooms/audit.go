package rooms

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
)

// Moderators' actions in rooms go to the audit log as the forum's do: each
// records its entries before its write and appends them after it (package
// audit). An author deleting their own message is no moderation and is not
// logged.

// Audit target kinds of the rooms.
const (
	auditRoom    = "room"         // id: the room's
	auditMember  = "room_member"  // id: "<room id>/<user id>"
	auditMessage = "room_message" // id: "<room id>-<seq>"
)

// observeAudit tells the audit log how to read the rooms' targets when it
// replays entries a crash left pending.
func (s *Service) observeAudit(l *audit.Log) {
	l.Observe(auditRoom, func(ctx context.Context, id string) (map[string]any, error) {
		r, err := s.loadRoom(ctx, id, true)
		if errors.Is(err, ErrRoomNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"archived": r.Archived, "slow_mode_s": r.SlowModeS}, nil
	})
	l.Observe(auditMember, func(ctx context.Context, id string) (map[string]any, error) {
		roomID, userID, ok := strings.Cut(id, "/")
		if !ok {
			return nil, nil
		}
		m, err := s.member(ctx, roomID, userID, true)
		if err != nil {
			return nil, err
		}
		var until *time.Time
		if m != nil {
			until = m.MutedUntil
		}
		return map[string]any{"muted_until": muteText(until)}, nil
	})
	l.Observe(auditMessage, func(ctx context.Context, id string) (map[string]any, error) {
		i := strings.LastIndexByte(id, '-')
		seq, err := strconv.Atoi(id[i+1:])
		if i < 0 || err != nil {
			return nil, nil
		}
		r, err := s.loadRoom(ctx, id[:i], true)
		if errors.Is(err, ErrRoomNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		m, err := s.message(ctx, r, seq)
		if errors.Is(err, ErrMessageNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"deleted": m.Deleted != nil}, nil
	})
}

// muteText is a mute's end as the log spells it ("" for none): text, so
// that the replay compares what the outbox stored with what it reads.
func muteText(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// roomChanges are the entries of a moderator's patch of r: archive or
// restore, and a change of slow mode.
func roomChanges(u *account.User, r *roomDoc, p RoomPatch) []audit.Entry {
	var out []audit.Entry
	add := func(action, field string, before, after any) {
		out = append(out, audit.Entry{Actor: u.AuditActor(), Action: action, Target: audit.Target{Kind: auditRoom, ID: r.ID, Label: r.Name},
			Place: r.ID, Before: map[string]any{field: before}, After: map[string]any{field: after}})
	}
	if p.Archived != nil && *p.Archived != r.Archived {
		action := audit.RoomRestore
		if *p.Archived {
			action = audit.RoomArchive
		}
		add(action, "archived", r.Archived, *p.Archived)
	}
	if p.SlowModeS != nil && *p.SlowModeS != r.SlowModeS {
		add(audit.RoomSlowMode, "slow_mode_s", r.SlowModeS, *p.SlowModeS)
	}
	return out
}

// muteChange is the entry of a mute (until set) or its end (until zero)
// of the member mid, named name, at now; none when nothing changes (a
// mute that ran out ended by itself).
func muteChange(u *account.User, r *roomDoc, mid, name string, was *time.Time, until time.Time, reason string, now time.Time) []audit.Entry {
	if was != nil && !was.After(now) {
		was = nil
	}
	before, after := muteText(was), muteText(&until)
	if before == after {
		return nil
	}
	action := audit.RoomMute
	if after == "" {
		action = audit.RoomUnmute
	}
	return []audit.Entry{{Actor: u.AuditActor(), Action: action, Target: audit.Target{Kind: auditMember, ID: mid, Label: name},
		Place: r.ID, Reason: strings.TrimSpace(reason), Before: map[string]any{"muted_until": before}, After: map[string]any{"muted_until": after}}}
}

// messageDeletion is the entry of a moderator deleting another's message.
func messageDeletion(u *account.User, r *roomDoc, m *messageDoc) []audit.Entry {
	if u.ID == m.Author.ID {
		return nil
	}
	return []audit.Entry{{Actor: u.AuditActor(), Action: audit.RoomMessageDelete,
		Target: audit.Target{Kind: auditMessage, ID: messageID(r.ID, m.Seq), Label: r.Name + " #" + strconv.Itoa(m.Seq)},
		Place:  r.ID, Before: map[string]any{"deleted": false}, After: map[string]any{"deleted": true}}}
}
