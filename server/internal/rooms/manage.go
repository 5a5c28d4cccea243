package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store"
)

// NewRoom is what a moderator sets when creating a room.
type NewRoom struct {
	Name              string   `json:"name" validate:"required,notblank,max=120,nocontrol"`
	Description       string   `json:"description" validate:"max=2000,nocontrol"`
	Kind              string   `json:"kind" validate:"required,oneof=theme table meeting"`
	TableID           string   `json:"table_id" validate:"max=64,nocontrol"`
	Meeting           string   `json:"meeting" validate:"max=200,nocontrol"`
	Access            string   `json:"access" validate:"required,oneof=open invited"`
	AdministrationIDs []string `json:"administration_ids" validate:"max=200,dive,required,max=64,nocontrol"`
	History           string   `json:"history" validate:"required,oneof=full since_join"`
	Presence          string   `json:"presence" validate:"required,oneof=names counts"`
	SlowModeS         int      `json:"slow_mode_s" validate:"min=0,max=3600"`
}

// RoomPatch changes a room; nil fields stay as they are.
type RoomPatch struct {
	Name              *string   `json:"name" validate:"omitempty,notblank,max=120,nocontrol"`
	Description       *string   `json:"description" validate:"omitempty,max=2000,nocontrol"`
	Archived          *bool     `json:"archived"`
	SlowModeS         *int      `json:"slow_mode_s" validate:"omitempty,min=0,max=3600"`
	Presence          *string   `json:"presence" validate:"omitempty,oneof=names counts"`
	Access            *string   `json:"access" validate:"omitempty,oneof=open invited"`
	AdministrationIDs *[]string `json:"administration_ids" validate:"omitempty,max=200,dive,required,max=64,nocontrol"`
}

func normAdministrations(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// CreateRoom opens a room (moderators and admins).
func (s *Service) CreateRoom(ctx context.Context, u *account.User, in NewRoom) (Room, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := problem.Validate(in); err != nil {
		return Room{}, err
	}
	if !authz.Can(authz.CreateRoom, u.Subject(), authz.Item{}) {
		return Room{}, ErrModeratorOnly
	}
	in.AdministrationIDs = normAdministrations(in.AdministrationIDs)
	if in.Access == AccessInvited && len(in.AdministrationIDs) == 0 {
		return Room{}, problem.ErrInvalid.With(map[string]string{"administration_ids": fieldAdministrations})
	}
	if in.Access == AccessOpen {
		in.AdministrationIDs = []string{}
	}
	r := &roomDoc{ID: randid.New(), Name: in.Name, Description: in.Description, Kind: in.Kind, TableID: in.TableID, Meeting: in.Meeting,
		Access: in.Access, AdministrationIDs: in.AdministrationIDs, History: in.History, Presence: in.Presence, SlowModeS: in.SlowModeS,
		CreatedAt: s.now(), CreatedBy: person{ID: u.ID, Name: u.Name}, BucketSize: messageLayout.Size}
	// The room first: an index entry without its room would be skipped,
	// a room without its index entry would never be listed.
	if _, err := s.deps.Store.C(colRooms).InsertOne(ctx, r); err != nil {
		return Room{}, fmt.Errorf("create room: %w", err)
	}
	if _, err := s.deps.Store.C(colIndex).UpdateOne(ctx, bson.M{"_id": indexID}, bson.M{"$addToSet": bson.M{"ids": r.ID}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return Room{}, fmt.Errorf("list room %s: %w", r.ID, err)
	}
	return s.roomView(u, r, nil), nil
}

// loadRoom loads a room by id (through the writer when fresh matters),
// once the sends answered in it are written (settle).
func (s *Service) loadRoom(ctx context.Context, id string, fresh bool) (*roomDoc, error) {
	if err := s.settle(ctx, id); err != nil {
		return nil, err
	}
	return s.readRoom(ctx, id, fresh)
}

// readRoom loads a room as stored now: for what needs the room's rules,
// not its messages (a send, a subscription, typing).
func (s *Service) readRoom(ctx context.Context, id string, fresh bool) (*roomDoc, error) {
	if !validID(id) {
		return nil, ErrRoomNotFound
	}
	c := s.deps.Store.C(colRooms)
	// The counter beside the room, read at the same time, unless this
	// process numbers the room's messages (seqs in heads.go): then it knows more.
	hc := s.deps.Store.Collection(colHeads)
	if fresh {
		hc = hc.Ordered()
	}
	var h headDoc
	var herr error
	read := make(chan struct{})
	mine := s.seqs.last(id)
	if mine > 0 {
		close(read)
	} else {
		go func() {
			defer close(read)
			h, _, herr = store.Get[headDoc](ctx, hc, id)
		}()
	}
	var r roomDoc
	var err error
	if fresh {
		err = c.FindOne(ctx, bson.M{"_id": id}).Decode(&r)
	} else {
		var ok bool
		if r, ok, err = s.rooms.Current(ctx, id); err == nil && !ok {
			err = mongo.ErrNoDocuments
		}
	}
	<-read
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrRoomNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load room %s: %w", id, err)
	}
	if herr != nil {
		return nil, herr
	}
	r.Head = max(r.Head, h.N, mine)
	return &r, nil
}

// updateRoom runs write, a write to room id's document, and drops the
// kept copy (even when the write fails midway).
func (s *Service) updateRoom(ctx context.Context, id string, write func(*mongo.Collection) error) error {
	defer s.rooms.Written(id)
	return write(s.deps.Store.C(colRooms))
}

// enter loads a room u may read; any other is not found.
func (s *Service) enter(ctx context.Context, u *account.User, id string) (*roomDoc, error) {
	r, err := s.loadRoom(ctx, id, false)
	if err != nil {
		return nil, err
	}
	return s.admit(u, r)
}

// enterNow is enter without waiting for the room's answered sends.
func (s *Service) enterNow(ctx context.Context, u *account.User, id string) (*roomDoc, error) {
	r, err := s.readRoom(ctx, id, false)
	if err != nil {
		return nil, err
	}
	return s.admit(u, r)
}

// admit passes a room u may read; any other is not found.
func (s *Service) admit(u *account.User, r *roomDoc) (*roomDoc, error) {
	if !authz.Can(authz.ReadRoom, u.Subject(), r.item(u)) {
		return nil, ErrRoomNotFound
	}
	return r, nil
}

// member loads u's member document of a room; nil when none.
func (s *Service) member(ctx context.Context, roomID, userID string, fresh bool) (*memberDoc, error) {
	c := s.deps.Store.Collection(colMembers)
	if fresh {
		c.R = c.W
	}
	m, ok, err := store.Get[memberDoc](ctx, c, memberID(roomID, userID))
	if err != nil || !ok {
		return nil, err
	}
	return &m, nil
}

// roomView is the room for u with u's membership (nil: none).
func (s *Service) roomView(u *account.User, r *roomDoc, m *memberDoc) Room {
	out := Room{ID: r.ID, Name: r.Name, Description: r.Description, Kind: r.Kind, TableID: r.TableID, Meeting: r.Meeting,
		Access: r.Access, AdministrationIDs: r.AdministrationIDs, History: r.History, Presence: r.Presence, SlowModeS: r.SlowModeS,
		Archived: r.Archived, Head: r.Head, CreatedAt: r.CreatedAt, CreatedBy: Person{ID: r.CreatedBy.ID, Name: r.CreatedBy.Name}}
	if out.AdministrationIDs == nil {
		out.AdministrationIDs = []string{}
	}
	out.Me.CanModerate = authz.Can(authz.ManageRoom, u.Subject(), authz.Item{})
	out.Me.CanSend = authz.Can(authz.SendMessage, u.Subject(), r.item(u))
	out.Me.ReadSeq = r.Head
	if m != nil && m.MutedUntil != nil && m.MutedUntil.After(s.now()) {
		out.Me.MutedUntil, out.Me.CanSend = m.MutedUntil, false
	}
	if m.joined() {
		out.Me.Member, out.Me.JoinedAt = true, m.JoinedAt
		out.Me.ReadSeq = m.ReadSeq
		out.Me.Unread = unread(r.Head, m.ReadSeq, r.Gone, m.Own)
	}
	return out
}

// Rooms lists the rooms u may enter, with u's unread counts.
func (s *Service) Rooms(ctx context.Context, u *account.User) ([]Room, error) {
	idx, _, err := store.Get[struct {
		IDs []string `bson:"ids"`
	}](ctx, s.deps.Store.Collection(colIndex), indexID)
	if err != nil {
		return nil, err
	}
	docs, err := store.Load[roomDoc](ctx, s.deps.Store.Collection(colRooms), idx.IDs)
	if err != nil {
		return nil, err
	}
	var mine []*roomDoc
	var mids []string
	for i := range docs {
		r := &docs[i]
		if r.ID != "" && authz.Can(authz.ReadRoom, u.Subject(), r.item(u)) {
			mine = append(mine, r)
			mids = append(mids, memberID(r.ID, u.ID))
		}
	}
	ids := make([]string, len(mine))
	for i, r := range mine {
		ids[i] = r.ID
	}
	if err := s.settle(ctx, ids...); err != nil {
		return nil, err
	}
	if err := s.withHeads(ctx, mine, false); err != nil {
		return nil, err
	}
	if err := s.withGone(ctx, mine, false); err != nil {
		return nil, err
	}
	members, err := store.Load[memberDoc](ctx, s.deps.Store.Collection(colMembers), mids)
	if err != nil {
		return nil, err
	}
	out := make([]Room, 0, len(mine))
	for i, r := range mine {
		var m *memberDoc
		if members[i].ID != "" {
			m = &members[i]
		}
		out = append(out, s.roomView(u, r, m))
	}
	slices.SortStableFunc(out, func(a, b Room) int {
		if a.Archived != b.Archived {
			if a.Archived {
				return 1
			}
			return -1
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	return out, nil
}

// Room is one room for u; 404 when u may not enter it.
func (s *Service) Room(ctx context.Context, u *account.User, id string) (Room, error) {
	r, err := s.enter(ctx, u, id)
	if err != nil {
		return Room{}, err
	}
	m, err := s.member(ctx, r.ID, u.ID, false)
	if err != nil {
		return Room{}, err
	}
	return s.memberView(ctx, u, r, m, false)
}

// memberView is roomView with the gone list a member's unread count needs
// (read only then).
func (s *Service) memberView(ctx context.Context, u *account.User, r *roomDoc, m *memberDoc, fresh bool) (Room, error) {
	if m.joined() {
		if err := s.withGone(ctx, []*roomDoc{r}, fresh); err != nil {
			return Room{}, err
		}
	}
	return s.roomView(u, r, m), nil
}

// UpdateRoom changes a room's settings (moderators).
func (s *Service) UpdateRoom(ctx context.Context, u *account.User, id string, in RoomPatch) (Room, error) {
	if err := problem.Validate(in); err != nil {
		return Room{}, err
	}
	r, err := s.enter(ctx, u, id)
	if err != nil {
		return Room{}, err
	}
	if !authz.Can(authz.ManageRoom, u.Subject(), authz.Item{State: r.state()}) {
		return Room{}, ErrModeratorOnly
	}
	set := bson.M{}
	if in.Name != nil {
		set["name"] = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		set["description"] = *in.Description
	}
	if in.Archived != nil {
		set["archived"] = *in.Archived
	}
	if in.SlowModeS != nil {
		set["slow_mode_s"] = *in.SlowModeS
	}
	if in.Presence != nil {
		set["presence"] = *in.Presence
	}
	access, adms := r.Access, r.AdministrationIDs
	if in.Access != nil {
		access = *in.Access
	}
	if in.AdministrationIDs != nil {
		adms = normAdministrations(*in.AdministrationIDs)
	}
	if access == AccessOpen {
		adms = []string{}
	}
	if access == AccessInvited && len(adms) == 0 {
		return Room{}, problem.ErrInvalid.With(map[string]string{"administration_ids": fieldAdministrations})
	}
	if in.Access != nil || in.AdministrationIDs != nil {
		set["access"], set["administration_ids"] = access, adms
	}
	if len(set) > 0 {
		head := r.Head // the room document holds a frozen head at most
		rec, err := s.deps.Audit.Begin(ctx, roomChanges(u, r, in)...)
		if err != nil {
			return Room{}, err
		}
		was := r.Archived
		if in.Archived != nil && *in.Archived {
			s.archives.set(r.ID, true) // sends numbered from now on are refused
		}
		err = s.updateRoom(ctx, r.ID, func(c *mongo.Collection) error {
			return c.FindOneAndUpdate(ctx, bson.M{"_id": r.ID}, bson.M{"$set": set},
				options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(r)
		})
		rec.Done(ctx, err)
		if err != nil {
			s.archives.set(r.ID, was)
			return Room{}, fmt.Errorf("update room %s: %w", r.ID, err)
		}
		s.archives.set(r.ID, r.Archived)
		r.Head = max(r.Head, head)
		// Before room.updated: who lost the room must not receive it.
		s.settingsChanged(ctx, r, in.Access != nil || in.AdministrationIDs != nil, in.Presence != nil)
		s.publish(ctx, roomTopic(r.ID), "room.updated", s.roomView(&account.User{}, r, nil))
	}
	m, err := s.member(ctx, r.ID, u.ID, true)
	if err != nil {
		return Room{}, err
	}
	return s.memberView(ctx, u, r, m, true)
}

// Join makes u a member; joining twice is harmless. A new member has read
// everything before it (unread counts start at 0).
func (s *Service) Join(ctx context.Context, u *account.User, id string) (Room, error) {
	r, err := s.enter(ctx, u, id)
	if err != nil {
		return Room{}, err
	}
	m, err := s.join(ctx, r, u, r.Head)
	if err != nil {
		return Room{}, err
	}
	return s.memberView(ctx, u, r, m, false)
}

// join records u as a member who has read up to seq, unless a member.
func (s *Service) join(ctx context.Context, r *roomDoc, u *account.User, seq int) (*memberDoc, error) {
	mid := memberID(r.ID, u.ID)
	defer s.memberLocks.Lock(mid)()
	m, err := s.member(ctx, r.ID, u.ID, true)
	if err != nil {
		return nil, err
	}
	if m.joined() {
		return m, nil
	}
	now := s.now()
	if m == nil {
		m = &memberDoc{ID: mid}
	}
	m.JoinedAt, m.JoinedSeq, m.ReadSeq, m.Own = &now, seq, seq, []int{}
	if _, err := s.deps.Store.C(colMembers).UpdateOne(ctx, bson.M{"_id": mid}, bson.M{"$set": bson.M{
		"joined_at": now, "joined_seq": seq, "read_seq": seq, "own": []int{}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return nil, fmt.Errorf("join %s: %w", mid, err)
	}
	return m, nil
}
