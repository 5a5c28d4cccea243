// Package versioned reads documents that views need as they are now, and
// caches what views derive from them, per instance, correctly however many
// instances write the store.
//
// A versioned document is small and carries a version field that every
// write of what it stands for (a thread's posts, a category's listing)
// moves after that write (Docs.Bump). A view reads the document first, one
// _id lookup it needs anyway, and uses what Cache holds for it only when the
// versions match: content read after a version is never older than it, so
// an instance never serves what another has changed since.
//
// On the sole-writer store (store.SoleWriter: the embedded store, which one
// process owns) Docs keeps the documents too, and every write of this
// process drops them (Docs.Written): a view then costs no read at all.
package versioned

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/ttlcache"
)

// Options shape a Docs.
type Options[D any] struct {
	// Version is the field Bump moves.
	Version string
	// Max documents are kept, each for at most TTL: Recent may lag by TTL;
	// on the sole writer, TTL only bounds a write that forgot Written.
	Max int
	TTL time.Duration
	// Copy, when set, copies a kept document for a caller that changes it.
	Copy func(D) D
}

// Docs reads the documents of one collection.
type Docs[D any] struct {
	c     store.Collection
	o     Options[D]
	sole  bool
	cache *ttlcache.Cache[D]
}

// New returns the documents of collection.
func New[D any](st *store.Store, collection string, o Options[D]) *Docs[D] {
	return &Docs[D]{c: st.Collection(collection), o: o, sole: st.SoleWriter(), cache: ttlcache.New[D](o.Max, o.TTL)}
}

// Current is the document as it is now: kept, on the sole writer, else
// read. ok is false when there is none.
func (d *Docs[D]) Current(ctx context.Context, id string) (doc D, ok bool, err error) {
	if !d.sole {
		return store.Get[D](ctx, d.c, id)
	}
	return d.Recent(ctx, id)
}

// Recent is the document as read at most TTL ago: another instance's write
// shows within TTL, this instance's at once.
func (d *Docs[D]) Recent(ctx context.Context, id string) (doc D, ok bool, err error) {
	now := time.Now()
	doc, ok, gen := d.cache.Get(id, now)
	if ok {
		if d.o.Copy != nil {
			doc = d.o.Copy(doc)
		}
		return doc, true, nil
	}
	if doc, ok, err = store.Get[D](ctx, d.c, id); ok {
		d.cache.Put(id, doc, now, gen)
		if d.o.Copy != nil {
			doc = d.o.Copy(doc)
		}
	}
	return doc, ok, err
}

// Written drops the kept document; call it after every write to it (a
// defer before the write drops it even when the write fails midway).
func (d *Docs[D]) Written(id string) { d.cache.Drop(id) }

// Bump moves the document's version, after a write of what it stands for.
func (d *Docs[D]) Bump(ctx context.Context, id string) error {
	defer d.Written(id)
	if _, err := d.c.W.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{d.o.Version: 1}}); err != nil {
		return fmt.Errorf("bump %s of %s %s: %w", d.o.Version, d.c.Name, id, err)
	}
	return nil
}
