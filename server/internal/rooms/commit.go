package rooms

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/store"
)

// A room's concurrent sends are stored together (group commit). On the
// embedded store every write waits for the one writer connection; a
// room's committer takes the sends queued while its previous batch was
// stored and stores them as one batch: their seqs (taken in memory on the
// embedded store, by one $inc of the counter on MongoDB), one outbox entry
// naming them, one insert of the client ids with their messages (both
// grouped with the other rooms' batches of the moment); then it answers
// each send and publishes the batch's events in seq order. The bucket,
// author and reply writes that follow are the applier's (apply.go).
// A room has a committer goroutine only while it has sends waiting.
type commits struct {
	mu     sync.Mutex
	queues map[string][]*sendJob // room id -> waiting; present while its committer runs
}

// maxCommit bounds one batch (the topic log appends 64 events at once).
const maxCommit = 64

// commitTimeout bounds one batch's writes, whoever waits for them.
const commitTimeout = 30 * time.Second

// sendJob is one send waiting for its batch.
type sendJob struct {
	u         *account.User
	r         *roomDoc
	sid, hash string
	msg       *messageDoc
	joined    bool   // the author was a member when the send began
	gen       uint64 // sendDocs' generation when the send looked its client id up
	done      chan sendDone
	res       sendDone
}

// sendDone is a send's outcome; part, when not nil, is the outbox part
// its mentions' notifications hold (the sender ends it).
type sendDone struct {
	sent Sent
	err  error
	part func(error)
}

// doc is the client id's document: what a resend finds.
func (j *sendJob) doc() sendDoc { return sendDoc{ID: j.sid, Seq: j.msg.Seq, Hash: j.hash, Msg: j.msg} }

func (j *sendJob) fail(err error) { j.res = sendDone{err: err} }

// store hands the message to its room's committer and waits for its
// batch (see the package comment for what a send writes). joined says u
// was a member when the send began (members never leave).
func (s *Service) store(ctx context.Context, u *account.User, r *roomDoc, sid, hash string, msg *messageDoc, joined bool, gen uint64) (Sent, error) {
	j := &sendJob{u: u, r: r, sid: sid, hash: hash, msg: msg, joined: joined, gen: gen, done: make(chan sendDone, 1)}
	c := &s.commits
	c.mu.Lock()
	if c.queues == nil {
		c.queues = map[string][]*sendJob{}
	}
	q, running := c.queues[r.ID]
	c.queues[r.ID] = append(q, j)
	if !running {
		go s.commitLoop(r.ID)
	}
	c.mu.Unlock()
	select {
	case d := <-j.done:
		if d.part != nil {
			d.part(s.notify(ctx, r, msg))
		}
		return d.sent, d.err
	case <-ctx.Done():
		// The batch goes on without the sender: its notifications too.
		go func() {
			if d := <-j.done; d.part != nil {
				d.part(s.notify(context.WithoutCancel(ctx), r, msg))
			}
		}()
		return Sent{}, ctx.Err()
	}
}

// notify tells a stored message's mentions; a failure keeps its outbox
// entry for a redo at the next start.
func (s *Service) notify(ctx context.Context, r *roomDoc, msg *messageDoc) error {
	err := s.notifyMentions(ctx, r, msg, time.Time{})
	if err != nil {
		s.log.Error("notify mentions (redone at the next start)", "room", r.ID, "seq", msg.Seq, "err", err)
	}
	return err
}

// commitLoop writes a room's queued sends, batch after batch, until none
// is left.
func (s *Service) commitLoop(roomID string) {
	c := &s.commits
	for {
		c.mu.Lock()
		q := c.queues[roomID]
		if len(q) == 0 {
			delete(c.queues, roomID)
			c.mu.Unlock()
			return
		}
		n := min(len(q), maxCommit)
		batch := q[:n:n]
		c.queues[roomID] = q[n:]
		c.mu.Unlock()
		s.commit(batch)
	}
}

// commit stores a batch and answers each of its sends. A client id sent
// twice in one batch is stored once; the second send answers the first's
// message (or client_id_reused), as a resend does.
func (s *Service) commit(jobs []*sendJob) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	r := jobs[0].r
	first := map[string]*sendJob{}
	var fresh, again, before []*sendJob
	for _, j := range jobs {
		if first[j.sid] != nil {
			again = append(again, j)
			continue
		}
		first[j.sid] = j
		if prior, err := s.sentBefore(ctx, j); err != nil || prior != nil {
			if err == nil {
				err = &errSentBefore{prior: prior}
			}
			j.fail(err)
			before = append(before, j)
			continue
		}
		fresh = append(fresh, j)
	}
	events := s.commitFresh(ctx, r, fresh)
	for _, j := range append(fresh, before...) {
		j.done <- j.res
	}
	// Answered first: the answer needs the message stored, not its event.
	// Published before the room's next batch, so in seq order.
	if len(events) > 0 {
		if err := s.deps.Publisher.PublishAll(ctx, roomTopic(r.ID), "message.created", events); err != nil {
			s.log.Error("publish", "topic", roomTopic(r.ID), "event", "message.created", "n", len(events), "err", err)
		}
	}
	for _, j := range again {
		f := first[j.sid] // the same user's: the same message for both
		switch {
		case f.res.err != nil:
			j.fail(f.res.err)
		case f.hash != j.hash:
			j.fail(ErrClientIDReused)
		default:
			j.res = sendDone{sent: Sent{Message: f.res.sent.Message}}
		}
		j.done <- j.res
	}
}

// errSentBefore: a send of the same client id was answered after this
// one looked it up (a resend racing the first send's storing); Send
// answers it as a resend.
type errSentBefore struct{ prior *sendDoc }

func (e *errSentBefore) Error() string { return "client id " + e.prior.ID + " sent before" }

// sentBefore finds the send of j's client id answered since j looked it
// up: held in sendDocs until the applier stores it, then stored. On
// MongoDB the client id is stored before the answer (insertSends), nothing
// is held, and this finds nothing new.
func (s *Service) sentBefore(ctx context.Context, j *sendJob) (*sendDoc, error) {
	return s.sendDocs.Since(ctx, j.sid, j.gen)
}

// commitFresh stores sends of distinct client ids and sets each one's
// outcome. From the seqs' taking on, a send that fails leaves a hole at
// its seq: it is marked a void, now or at the next start (recover.go).
func (s *Service) commitFresh(ctx context.Context, r *roomDoc, jobs []*sendJob) (events []any) {
	n := len(jobs)
	last, err := s.takeSeqs(ctx, r, n)
	if err != nil {
		for _, j := range jobs {
			j.fail(err)
		}
		return
	}
	for i, j := range jobs {
		j.msg.Seq = last - n + 1 + i
	}
	voidAll := func(js []*sendJob, err error) {
		for _, j := range js {
			s.void(ctx, r.ID, j.msg.Seq)
			j.fail(err)
		}
	}
	// A room archived before the seqs were taken refuses the sends: the
	// room read after taking them (a reader sees every write answered before).
	archived, err := s.archived(ctx, r)
	if err != nil {
		voidAll(jobs, err)
		return
	}
	if archived {
		jobs = slices.DeleteFunc(jobs, func(j *sendJob) bool {
			if authz.Can(authz.SendMessage, j.u.Subject(), authz.Item{State: authz.Archived}) {
				return false
			}
			voidAll([]*sendJob{j}, ErrRoomArchived)
			return true
		})
		if len(jobs) == 0 {
			return
		}
	}
	// On the sole writer the entry carries the client ids' documents and
	// is the one insert before the answer: the applier stores them, and
	// until then sendDocs holds them. Elsewhere another
	// instance may take a resend, which only the stored client id (its
	// unique _id) refuses: it is stored before the answer.
	sole := s.deps.Store.SoleWriter()
	work := sentWork{RoomID: r.ID}
	for _, j := range jobs {
		work.Sends = append(work.Sends, sentItem{Seq: j.msg.Seq, SendID: j.sid})
		if sole {
			work.Docs = append(work.Docs, j.doc())
		}
	}
	w, err := s.deps.Outbox.Record(ctx, kindSent, work)
	if err != nil {
		voidAll(jobs, err)
		return
	}
	for i := range work.Docs {
		s.sendDocs.Hold(work.Docs[i].ID, &work.Docs[i])
	}
	jobs = slices.DeleteFunc(jobs, func(j *sendJob) bool {
		if err := s.attach(ctx, j.msg.Author.ID, r.ID, j.msg); err != nil {
			s.sendDocs.Forget(j.sid)
			voidAll([]*sendJob{j}, err)
			return true
		}
		return false
	})
	ours := jobs
	if !sole {
		ours = s.insertSends(ctx, r, jobs)
	}
	if len(ours) == 0 {
		w.End(nil)
		return
	}
	events = make([]any, len(ours))
	for i, j := range ours {
		events[i] = s.wire(ctx, r, j.msg, "")
		j.res = sendDone{sent: Sent{Message: s.wire(ctx, r, j.msg, j.u.ID), Created: true}}
		if len(j.msg.Mentions.Users)+len(j.msg.Mentions.Administrations) > 0 {
			j.res.part = w.Part() // before the applier may end the entry
		}
	}
	// Stored: the rest is the applier's (apply.go), which ends the entry.
	s.enqueue(&applyItem{r: r, jobs: ours, w: w, sends: sole})
	return events
}

// insertSends stores the client ids with their messages, one insert for
// all, and returns the sends whose client id is now stored with their
// seq. A client id stored meanwhile by another send (a resend racing the
// first) voids this send's seq and answers the stored message; any other
// failure voids the seq and fails the send (if its client id was stored
// after all, the client's resend makes the seq a message again: complete).
func (s *Service) insertSends(ctx context.Context, r *roomDoc, jobs []*sendJob) []*sendJob {
	if len(jobs) == 0 {
		return nil
	}
	docs := make([]any, len(jobs))
	for i, j := range jobs {
		docs[i] = j.doc()
	}
	err := s.sendInserts.Insert(ctx, docs)
	if err == nil {
		return jobs
	}
	// Some may be stored (the group's ordered insert stops at the first
	// failure, maybe another room's): each one's stored seq tells whose it is.
	var ours []*sendJob
	sends := s.deps.Store.Collection(colSends).Ordered()
	for i, j := range jobs {
		prior, ok, err := store.Get[sendDoc](ctx, sends, j.sid)
		if err == nil && !ok {
			_, err = s.deps.Store.C(colSends).InsertOne(ctx, docs[i])
			if err == nil {
				ours = append(ours, j)
				continue
			}
			if mongo.IsDuplicateKeyError(err) {
				prior, ok, err = store.Get[sendDoc](ctx, sends, j.sid)
			}
		}
		switch {
		case err != nil:
			s.void(ctx, r.ID, j.msg.Seq)
			j.fail(fmt.Errorf("store send %s: %w", j.sid, err))
		case !ok:
			s.void(ctx, r.ID, j.msg.Seq)
			j.fail(fmt.Errorf("store send %s: missing after a duplicate", j.sid))
		case prior.Seq == j.msg.Seq:
			ours = append(ours, j)
		default: // the same client id sent twice at once: the other one won
			s.void(ctx, r.ID, j.msg.Seq)
			if prior.Hash != j.hash {
				j.fail(ErrClientIDReused)
				continue
			}
			sent, err := s.complete(ctx, r, &prior, j.u.ID)
			j.res = sendDone{sent: sent, err: err}
		}
	}
	return ours
}

// storeMessages writes the messages of stored sends into their buckets
// and returns the own seqs each author is to record.
func (s *Service) storeMessages(ctx context.Context, r *roomDoc, jobs []*sendJob) ([]ownWrite, error) {
	var buckets []string
	byBucket := map[string][]*messageDoc{}
	var owns []ownWrite
	byAuthor := map[string]int{} // index in owns
	for _, j := range jobs {
		b := messageLayout.ID(r.list(), j.msg.Seq)
		if byBucket[b] == nil {
			buckets = append(buckets, b)
		}
		byBucket[b] = append(byBucket[b], j.msg)
		a := j.msg.Author.ID
		k, ok := byAuthor[a]
		if !ok {
			k = len(owns)
			byAuthor[a] = k
			owns = append(owns, ownWrite{roomID: r.ID, userID: a, joined: true})
		}
		owns[k].seqs = append(owns[k].seqs, j.msg.Seq)
		owns[k].joined = owns[k].joined && j.joined
	}
	for _, b := range buckets {
		if err := s.putMessages(ctx, r, byBucket[b]); err != nil {
			return nil, err
		}
	}
	return owns, nil
}
