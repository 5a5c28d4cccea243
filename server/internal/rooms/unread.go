package rooms

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// unread counts the messages after read up to head that are still
// messages (not in gone: deleted, or a void left by a crash) and not the
// member's own: every seq in (read, head] is one of those three.
func unread(head, read int, gone, own []int) int {
	if head <= read {
		return 0
	}
	n := head - read
	for _, g := range gone {
		if g > read && g <= head {
			n--
		}
	}
	for _, o := range own {
		if o > read && o <= head && !slices.Contains(gone, o) {
			n--
		}
	}
	return max(n, 0)
}

// ReadInput is how far the reader has read.
type ReadInput struct {
	Seq int `json:"seq" validate:"min=0"`
}

// ReadState is a member's read position and unread count; also the
// payload of the room.read event on user:<id>.
type ReadState struct {
	RoomID  string `json:"room_id"`
	ReadSeq int    `json:"read_seq"`
	Unread  int    `json:"unread"`
}

// MarkRead moves u's read position to seq (never backwards, never past
// the head) and tells u's other tabs. Reading joins, as sending does.
func (s *Service) MarkRead(ctx context.Context, u *account.User, roomID string, in ReadInput) (ReadState, error) {
	if err := problem.Validate(in); err != nil {
		return ReadState{}, err
	}
	r, err := s.enter(ctx, u, roomID)
	if err != nil {
		return ReadState{}, err
	}
	fresh := in.Seq > r.Head
	if fresh {
		// The head read through a reader may lag the writer's.
		if r, err = s.loadRoom(ctx, roomID, true); err != nil {
			return ReadState{}, err
		}
		in.Seq = min(in.Seq, r.Head)
	}
	// A reader who had not joined joins having read up to seq.
	if _, err := s.join(ctx, r, u, in.Seq); err != nil {
		return ReadState{}, err
	}
	mid := memberID(r.ID, u.ID)
	unlock := s.memberLocks.Lock(mid)
	m, err := s.member(ctx, r.ID, u.ID, true)
	if err != nil {
		unlock()
		return ReadState{}, err
	}
	if in.Seq > m.ReadSeq {
		own := []int{}
		for _, o := range m.Own {
			if o > in.Seq {
				own = append(own, o)
			}
		}
		m.ReadSeq, m.Own = in.Seq, own
		if _, err := s.deps.Store.C(colMembers).UpdateOne(ctx, bson.M{"_id": mid}, bson.M{"$set": bson.M{"read_seq": m.ReadSeq, "own": own}}); err != nil {
			unlock()
			return ReadState{}, fmt.Errorf("mark read %s: %w", mid, err)
		}
	}
	unlock()
	if err := s.withGone(ctx, []*roomDoc{r}, fresh); err != nil {
		return ReadState{}, err
	}
	st := ReadState{RoomID: r.ID, ReadSeq: m.ReadSeq, Unread: unread(r.Head, m.ReadSeq, r.Gone, m.Own)}
	s.publish(ctx, userTopic(u.ID), "room.read", st)
	return st, nil
}

// ownUpdate adds seqs to a member's own and sets their last send: what
// a known member's sends change, without a read.
func ownUpdate(seqs []int, sentAt time.Time) bson.M {
	return bson.M{"$addToSet": bson.M{"own": bson.M{"$each": seqs}}, "$set": bson.M{"last_sent_at": sentAt}}
}

// addOwn records seqs as u's own messages in the room, joining u (who has
// read everything before them) if not a member yet; sent: a new send (slow
// mode counts from now). A known member's is one update with no read:
// a seq at or below read_seq in own is harmless (unread skips it, the
// next read prunes it), and the lock keeps MarkRead's rewrite of own from
// interleaving.
func (s *Service) addOwn(ctx context.Context, roomID, userID string, seqs []int, sent, joined bool) error {
	mid := memberID(roomID, userID)
	defer s.memberLocks.Lock(mid)()
	if joined {
		update := ownUpdate(seqs, s.now())
		if !sent {
			delete(update, "$set")
		}
		if _, err := s.deps.Store.C(colMembers).UpdateOne(ctx, bson.M{"_id": mid}, update); err != nil {
			return fmt.Errorf("record own message %s: %w", mid, err)
		}
		return nil
	}
	m, err := s.member(ctx, roomID, userID, true)
	if err != nil {
		return err
	}
	set := bson.M{}
	if sent {
		set["last_sent_at"] = s.now()
	}
	if !m.joined() {
		from := slices.Min(seqs) - 1
		set["joined_at"], set["joined_seq"], set["read_seq"], set["own"] = s.now(), from, from, seqs
	} else {
		own := m.Own
		for _, seq := range seqs {
			if seq > m.ReadSeq && !slices.Contains(own, seq) {
				own = append(own, seq)
			}
		}
		if len(own) > len(m.Own) {
			set["own"] = own
		} else if len(set) == 0 {
			return nil
		}
	}
	if _, err := s.deps.Store.C(colMembers).UpdateOne(ctx, bson.M{"_id": mid}, bson.M{"$set": set}, options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("record own message %s: %w", mid, err)
	}
	return nil
}
