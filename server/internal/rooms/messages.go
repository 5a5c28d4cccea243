package rooms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// NewMessage is a message as the client sends it. The body's length is
// checked by Send (413 message_too_long), its emptiness here.
type NewMessage struct {
	ClientID      string   `json:"client_id" validate:"required,max=64,nocontrol"`
	Body          string   `json:"body" validate:"required,notblank,nocontrol"`
	ReplyTo       int      `json:"reply_to" validate:"min=0"`
	AttachmentIDs []string `json:"attachment_ids" validate:"max=10,dive,required,max=64"`
}

// Hash identifies what was sent under a client id: a resend must match.
func (in NewMessage) Hash() string {
	h := sha256.New()
	h.Write([]byte(in.Body))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(in.ReplyTo)))
	for _, id := range in.AttachmentIDs {
		h.Write([]byte{0})
		h.Write([]byte(id))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sendDoc is a client id as stored, with the whole message it sent.
type sendDoc struct {
	ID   string      `bson:"_id"`
	Seq  int         `bson:"seq"`
	Hash string      `bson:"hash"`
	Msg  *messageDoc `bson:"msg"`
}

func sendID(roomID, userID, clientID string) string { return roomID + "/" + userID + "/" + clientID }

// Sent is a send's answer: Created is false for a resend of a stored message.
type Sent struct {
	Message Message
	Created bool
}

// Send stores a message, then answers and publishes it. A resend of a
// client id answers the message stored under it (Created false).
func (s *Service) Send(ctx context.Context, u *account.User, roomID string, in NewMessage) (_ Sent, err error) {
	if err := problem.Validate(in); err != nil {
		return Sent{}, err
	}
	if utf8.RuneCountInString(in.Body) > MaxBody {
		return Sent{}, ErrMessageTooLong
	}
	r, err := s.enterNow(ctx, u, roomID)
	if err != nil {
		return Sent{}, err
	}
	sid := sendID(r.ID, u.ID, in.ClientID)
	// Held until the applier stores it, or stored; commit checks again
	// for a send answered after this lookup (sentBefore).
	prior, gen, err := s.sendDocs.Get(ctx, sid)
	if err != nil {
		return Sent{}, err
	}
	if prior != nil {
		return s.resend(ctx, u, r, prior, in)
	}
	switch v := authz.Check(authz.SendMessage, u.Subject(), r.item(u)); v.Denial {
	case authz.Allowed:
	case authz.ByState:
		return Sent{}, ErrRoomArchived
	default:
		return Sent{}, problem.ErrForbidden
	}
	m, err := s.member(ctx, r.ID, u.ID, false)
	if err != nil {
		return Sent{}, err
	}
	now := s.now()
	if m != nil && m.MutedUntil != nil && m.MutedUntil.After(now) {
		e := *ErrMuted
		e.Until = *m.MutedUntil
		return Sent{}, &e
	}
	moderator := authz.Can(authz.ManageRoom, u.Subject(), authz.Item{})
	release, err := s.slowMode(r, m, memberID(r.ID, u.ID), moderator, now)
	if err != nil {
		return Sent{}, err
	}
	counted := false // a resend found late does not count for slow mode
	defer func() { release(counted) }()
	var parent *messageDoc
	if in.ReplyTo > 0 {
		if parent, err = s.visible(ctx, r, u, m, in.ReplyTo); err != nil || parent.Deleted != nil {
			return Sent{}, problem.ErrInvalid.With(map[string]string{"reply_to": fieldReplyTo})
		}
	}
	files, err := s.files(ctx, u, in.AttachmentIDs)
	if err != nil {
		return Sent{}, err
	}
	html, ment, err := s.render(ctx, in.Body)
	if err != nil {
		return Sent{}, err
	}
	if ok, wait := s.sends.Allow(memberID(r.ID, u.ID)); !ok {
		e := *ErrRateLimited
		e.RetryAfter = wait
		return Sent{}, &e
	}
	msg := &messageDoc{ClientID: in.ClientID, Author: author{ID: u.ID, Name: u.Name, AdministrationID: u.AdministrationID,
		AdministrationName: u.AdministrationName}, Body: in.Body, HTML: html, Mentions: ment, ReplyTo: in.ReplyTo,
		CreatedAt: now, Attachments: files}
	sent, err := s.store(ctx, u, r, sid, in.Hash(), msg, m.joined(), gen)
	if before := (*errSentBefore)(nil); errors.As(err, &before) {
		return s.resend(ctx, u, r, before.prior, in)
	}
	counted = err == nil
	return sent, err
}

// resend answers a client id already stored: the same message again, or
// 409 when the text differs.
func (s *Service) resend(ctx context.Context, u *account.User, r *roomDoc, prior *sendDoc, in NewMessage) (Sent, error) {
	if prior.Hash != in.Hash() {
		return Sent{}, ErrClientIDReused
	}
	// Answered before but maybe not yet in its bucket: complete would
	// write and publish it again.
	if err := s.settle(ctx, r.ID); err != nil {
		return Sent{}, err
	}
	return s.complete(ctx, r, prior, u.ID)
}

// complete answers a client id stored before (a resend, the start-up
// redo): it writes the send's message into its bucket unless there (a
// crash may have cut the send off), records it as its author's, and
// publishes it when it was missing. It answers the message as stored.
// A new send goes through its room's committer instead (commit.go).
func (s *Service) complete(ctx context.Context, r *roomDoc, sd *sendDoc, viewer string) (Sent, error) {
	msg := sd.Msg
	stored, ok, err := s.messages.Get(ctx, r.list(), sd.Seq)
	if err != nil {
		return Sent{}, err
	}
	if ok && stored != nil {
		return Sent{Message: s.wire(ctx, r, stored, viewer)}, nil
	}
	// Written late: a seq voided meanwhile is a message again.
	if err := s.unmarkGone(ctx, r.ID, sd.Seq); err != nil {
		return Sent{}, err
	}
	if err := s.putMessages(ctx, r, []*messageDoc{msg}); err != nil {
		return Sent{}, err
	}
	if err := s.addOwn(ctx, r.ID, msg.Author.ID, []int{msg.Seq}, false, false); err != nil {
		return Sent{}, err
	}
	if msg.ReplyTo > 0 {
		s.addReply(ctx, r, msg.ReplyTo, msg.Seq)
	}
	out := s.wire(ctx, r, msg, viewer)
	s.publish(ctx, roomTopic(r.ID), "message.created", s.wire(ctx, r, msg, ""))
	return Sent{Message: out}, nil
}

// mayRead tells whether u may read message seq (notifications).
func (s *Service) mayRead(ctx context.Context, r *roomDoc, u *account.User, seq int) (bool, error) {
	if !authz.Can(authz.ReadRoom, u.Subject(), r.item(u)) {
		return false, nil
	}
	if r.History != HistorySinceJoin || authz.Can(authz.ManageRoom, u.Subject(), authz.Item{}) {
		return true, nil
	}
	m, err := s.member(ctx, r.ID, u.ID, false)
	if err != nil {
		return false, err
	}
	return m.joined() && m.JoinedSeq < seq, nil
}

// KindMention is the notification of a mention in a room: thread_id is
// the room's id, post_id the message's id, thread_title the room's name.
const KindMention = "room_mention"

// notifyMentions tells the users and the members of the administrations a
// message mentions, those who may read the room, as forum posts do. redo
// is zero on the send's own path, the outbox entry's time when redone
// (notify then skips whoever was told already).
func (s *Service) notifyMentions(ctx context.Context, r *roomDoc, m *messageDoc, redo time.Time) error {
	if len(m.Mentions.Users)+len(m.Mentions.Administrations) == 0 || m.Deleted != nil {
		return nil
	}
	found, err := s.deps.Directory.ResolveHandles(ctx, append(append([]string{}, m.Mentions.Users...), m.Mentions.Administrations...))
	if err != nil {
		return fmt.Errorf("resolve mentions: %w", err)
	}
	var to []string
	for _, h := range found {
		ids := []string{h.ID}
		if h.Kind == account.KindAdministration {
			if ids, err = s.deps.Directory.MembersOf(ctx, h.ID); err != nil {
				return fmt.Errorf("members of %s: %w", h.Handle, err)
			}
		}
		for _, id := range ids {
			u, err := s.deps.Directory.User(ctx, id)
			if err != nil {
				s.log.Warn("mentioned user", "user_id", id, "err", err)
				continue
			}
			if ok, err := s.mayRead(ctx, r, u, m.Seq); err != nil {
				return err
			} else if ok {
				to = append(to, id)
			}
		}
	}
	if len(to) == 0 {
		return nil
	}
	return s.deps.Notifier.Notify(ctx, notify.Input{UserIDs: to, Kind: KindMention, ThreadID: r.ID, PostID: messageID(r.ID, m.Seq),
		ThreadTitle: r.Name, ActorID: m.Author.ID, ActorName: m.Author.Name, Excerpt: excerpt(markdown.PlainText(m.Body)), Redo: redo})
}

// addReply counts seq among parent's replies and tells the room.
func (s *Service) addReply(ctx context.Context, r *roomDoc, parent, seq int) {
	if err := s.messages.Update(ctx, r.list(), parent, bson.M{"$addToSet": bson.M{messageLayout.Path(parent, "replies"): seq}}); err != nil {
		s.log.Error("count reply", "room", r.ID, "seq", parent, "err", err)
		return
	}
	if p, ok, err := s.messages.Get(ctx, r.list(), parent); err == nil && ok {
		s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, p, ""))
	}
}

// void marks a seq that will never hold a message.
func (s *Service) void(ctx context.Context, roomID string, seq int) {
	ctx = context.WithoutCancel(ctx)
	// The counter covers it too: a restart must not number a message with it.
	err := s.markGone(ctx, roomID, seq)
	if err == nil {
		err = s.raiseHeads(ctx, map[string]int{roomID: seq})
	}
	if err != nil {
		s.log.Error("void seq (redone at the next start)", "room", roomID, "seq", seq, "err", err)
	}
}

// render turns a body into sanitised HTML (the forums' markdown) with
// links for the mentions that resolve.
func (s *Service) render(ctx context.Context, body string) (string, mentions, error) {
	doc := markdown.Parse(body)
	out := mentions{Users: []string{}, Administrations: []string{}}
	links := map[string]string{}
	if handles := doc.Mentions(); len(handles) > 0 {
		found, err := s.deps.Directory.ResolveHandles(ctx, handles)
		if err != nil {
			return "", out, fmt.Errorf("resolve mentions: %w", err)
		}
		for _, h := range handles {
			m, ok := found[h]
			switch {
			case !ok:
			case m.Kind == account.KindAdministration:
				links[h] = "/administrations/" + m.Handle
				out.Administrations = append(out.Administrations, h)
			default:
				links[h] = "/users/" + m.Handle
				out.Users = append(out.Users, h)
			}
		}
	}
	return doc.HTML(links), out, nil
}

// files checks that every listed attachment is one u uploaded.
func (s *Service) files(ctx context.Context, u *account.User, ids []string) ([]forum.Attachment, error) {
	files, err := attachment.Owned(ctx, s.deps.Attachments, u.ID, ids)
	if errors.Is(err, attachment.ErrNotOwned) {
		return nil, problem.ErrInvalid.With(map[string]string{"attachment_ids": fieldAttachment})
	}
	if err != nil {
		return nil, err
	}
	out := make([]forum.Attachment, len(files))
	for i, a := range files {
		out[i] = forum.Attachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: a.URL, Image: a.Image}
	}
	return out, nil
}

// fileKind is the kind of attachment.Ref naming a message ("<room>-<seq>").
const fileKind = "room_message"

// attach gives the message the files listed or named in its body, before
// it is stored: a message never stored leaves them its author's.
func (s *Service) attach(ctx context.Context, ownerID, roomID string, m *messageDoc) error {
	ids := attachment.IDsIn(m.Body)
	for _, a := range m.Attachments {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := s.deps.Attachments.Attach(ctx, ownerID, ids, attachment.Ref{Kind: fileKind, ID: messageID(roomID, m.Seq)}); err != nil {
		return fmt.Errorf("attach files to %s: %w", messageID(roomID, m.Seq), err)
	}
	return nil
}

// stored is message seq as answered: from memory while the applier has
// not written it yet (a reply to it, its preview), else from its bucket
// when seq is at most upTo.
func (s *Service) stored(ctx context.Context, r *roomDoc, seq, upTo int) (*messageDoc, bool, error) {
	if m := s.answered(r.ID, seq); m != nil {
		return m, true, nil
	}
	if seq < 1 || seq > upTo {
		return nil, false, nil
	}
	return s.messages.Get(ctx, r.list(), seq)
}

// message loads one stored message; gone seqs and holes are not found.
func (s *Service) message(ctx context.Context, r *roomDoc, seq int) (*messageDoc, error) {
	m, ok, err := s.stored(ctx, r, seq, r.Head)
	if err != nil {
		return nil, err
	}
	if !ok || m == nil {
		return nil, ErrMessageNotFound
	}
	return m, nil
}

// visible loads a message u may see: not before u joined a since_join room.
func (s *Service) visible(ctx context.Context, r *roomDoc, u *account.User, m *memberDoc, seq int) (*messageDoc, error) {
	if seq <= s.floor(r, u, m) {
		return nil, ErrMessageNotFound
	}
	return s.message(ctx, r, seq)
}

// floor is the last seq u may not read: in since_join rooms, what was
// before u joined (everything, for non-members), except for moderators.
func (s *Service) floor(r *roomDoc, u *account.User, m *memberDoc) int {
	if r.History != HistorySinceJoin || authz.Can(authz.ManageRoom, u.Subject(), authz.Item{}) {
		return 0
	}
	if !m.joined() {
		return r.Head
	}
	return m.JoinedSeq
}

// wire is a message for viewer with what its reply answers.
func (s *Service) wire(ctx context.Context, r *roomDoc, m *messageDoc, viewer string) Message {
	var parent *messageDoc
	// In a since_join room the message answered may be from before a
	// reader joined, and an event is the same for every reader: only a
	// page, which knows its reader's floor, previews it.
	if m.ReplyTo > 0 && r.History != HistorySinceJoin {
		// Not bounded by r.Head: a batch's r was read before later sends'
		// parents were numbered.
		p, ok, err := s.stored(ctx, r, m.ReplyTo, math.MaxInt)
		if err != nil {
			s.log.Error("load replied message", "room", r.ID, "seq", m.ReplyTo, "err", err)
		} else if ok {
			parent = p
		}
	}
	return m.wire(r.ID, parent, viewer)
}

// Page is a page of messages, ascending by seq.
type Page struct {
	Messages []Message `json:"messages"`
	Head     int       `json:"head"`
	Seq      int64     `json:"seq"` // the room topic's head when read: subscribe with since=seq
	HasMore  bool      `json:"has_more"`
}

// PageQuery says which page: before a seq, after one (0: from the
// start), or the latest (Before 0 and After NoAfter).
type PageQuery struct {
	Before int `json:"before" validate:"min=0"`
	After  int `json:"after" validate:"min=-1"`
	Limit  int `json:"limit" validate:"min=0,max=100"`
}

// NoAfter is PageQuery.After when the query has none.
const NoAfter = -1

// Messages reads a page of a room's history.
func (s *Service) Messages(ctx context.Context, u *account.User, roomID string, q PageQuery) (Page, error) {
	if err := problem.Validate(q); err != nil {
		return Page{}, err
	}
	if q.Before > 0 && q.After >= 0 {
		return Page{}, problem.ErrInvalid.With(map[string]string{"after": fieldSeq})
	}
	if q.Limit == 0 {
		q.Limit = PageDefault
	}
	if !validID(roomID) {
		return Page{}, ErrRoomNotFound
	}
	seq := s.head(ctx, roomTopic(roomID)) // before the data: nothing published after it is missed
	// What was published is written before the reads below (the member's
	// own too).
	if err := s.settle(ctx, roomID); err != nil {
		return Page{}, err
	}
	// u's member document beside the room, read at the same time (kept only
	// if u may enter).
	var m *memberDoc
	var merr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		m, merr = s.member(ctx, roomID, u.ID, false)
	}()
	r, err := s.enterNow(ctx, u, roomID) // settled above
	<-read
	if err != nil {
		return Page{}, err
	}
	if merr != nil {
		return Page{}, merr
	}
	floor := s.floor(r, u, m)
	out := Page{Messages: []Message{}, Head: r.Head, Seq: seq}
	var docs []*messageDoc
	var w *span
	if q.After >= 0 {
		docs, w, err = s.collect(ctx, r, max(q.After, floor)+1, r.Head, 1, q.Limit)
		out.HasMore = len(docs) > 0 && docs[len(docs)-1].Seq < r.Head
	} else {
		hi := r.Head
		if q.Before > 0 {
			hi = min(q.Before-1, r.Head)
		}
		docs, w, err = s.collect(ctx, r, hi, floor+1, -1, q.Limit)
		slices.Reverse(docs)
		out.HasMore = len(docs) > 0 && docs[0].Seq > floor+1
	}
	if err != nil {
		return Page{}, err
	}
	parents := s.parents(ctx, r, docs, w)
	for _, d := range docs {
		parent := parents[d.ReplyTo]
		if d.ReplyTo <= floor {
			parent = nil // from before the reader joined: its seq, nothing of it
		}
		out.Messages = append(out.Messages, d.wire(r.ID, parent, u.ID))
	}
	return out, nil
}

// span is what the buckets a page read hold: whole buckets, so the
// messages the page's replies answer are often among them already.
type span struct {
	items  map[int]*messageDoc
	lo, hi int // the seqs the buckets cover; none while lo > hi
}

func (w *span) covers(n int) bool { return n >= w.lo && n <= w.hi }

// collect walks the seqs from from to to, both included, by step (1 or
// -1), and takes up to limit messages in that order, skipping holes. When
// it reaches a bucket not read yet it reads every bucket of the next seqs
// the page may need at once, in parallel: a page straddles two buckets
// wherever it starts, and an older page's are both full, so reading them
// one after the other made it cost twice the latest page. Voids (seqs
// without a message) may need another round.
func (s *Service) collect(ctx context.Context, r *roomDoc, from, to, step, limit int) ([]*messageDoc, *span, error) {
	size := messageLayout.SizeOf(r.list())
	w := &span{items: map[int]*messageDoc{}, lo: 1, hi: 0}
	var out []*messageDoc
	for n := from; (to-n)*step >= 0 && len(out) < limit; n += step {
		if !w.covers(n) {
			end := n + step*(limit-len(out)-1)
			if (to-end)*step < 0 {
				end = to
			}
			lo, hi := min(n, end), max(n, end)
			items, err := s.messages.Load(ctx, r.list(), lo, hi)
			if err != nil {
				return nil, nil, err
			}
			maps.Copy(w.items, items)
			// The buckets read join those before: n is next to what they covered.
			lo, hi = lo/size*size, hi/size*size+size-1
			if w.lo <= w.hi {
				lo, hi = min(lo, w.lo), max(hi, w.hi)
			}
			w.lo, w.hi = lo, hi
		}
		if d := w.items[n]; d != nil {
			out = append(out, d)
		}
	}
	return out, w, nil
}

// parents are the messages a page's replies answer: those in the buckets
// the page read, the others read in parallel (one _id read each).
func (s *Service) parents(ctx context.Context, r *roomDoc, docs []*messageDoc, w *span) map[int]*messageDoc {
	out := map[int]*messageDoc{}
	var missing []int
	for _, d := range docs {
		switch n := d.ReplyTo; {
		case n <= 0:
		case w.covers(n):
			out[n] = w.items[n]
		case !slices.Contains(missing, n):
			missing = append(missing, n)
		}
	}
	found := make([]*messageDoc, len(missing))
	var wg sync.WaitGroup
	for i, n := range missing {
		wg.Go(func() {
			p, ok, err := s.messages.Get(ctx, r.list(), n)
			if err != nil {
				s.log.Error("load replied message", "room", r.ID, "seq", n, "err", err)
			} else if ok {
				found[i] = p
			}
		})
	}
	wg.Wait()
	for i, n := range missing {
		out[n] = found[i]
	}
	return out
}
