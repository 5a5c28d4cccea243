// Package held finds documents that this process has answered for but
// writes later, in memory until they are stored. On the sole writer a
// feature may answer before a document is written (the rooms' client ids
// are, one write less per send); every reader of those documents must then
// look here first, and one that looked before a write must know whether
// to read the store again: the generation moves each time some are stored.
package held

import (
	"context"
	"sync"

	"github.com/cantieri/tavolo/server/internal/store"
)

// Docs are the documents of one collection held until they are stored.
type Docs[T any] struct {
	c    store.Collection
	mu   sync.Mutex
	docs map[string]*T
	gen  uint64
}

// New returns the held documents of c.
func New[T any](c store.Collection) *Docs[T] {
	return &Docs[T]{c: c, docs: map[string]*T{}}
}

// Hold keeps doc under id until Stored or Forget.
func (h *Docs[T]) Hold(id string, doc *T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.docs[id] = doc
}

// Stored forgets ids, now in the collection, and moves the generation.
func (h *Docs[T]) Stored(ids ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		delete(h.docs, id)
	}
	h.gen++
}

// Forget forgets ids that will never be stored (their write failed).
func (h *Docs[T]) Forget(ids ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		delete(h.docs, id)
	}
}

// Get finds id, held or stored, and returns the generation to give Since.
func (h *Docs[T]) Get(ctx context.Context, id string) (*T, uint64, error) {
	return h.find(ctx, id, nil)
}

// Since finds id if it has come since a Get that returned gen and found
// nothing: held now, or stored since (the store is read again only when
// the generation has moved).
func (h *Docs[T]) Since(ctx context.Context, id string, gen uint64) (*T, error) {
	doc, _, err := h.find(ctx, id, &gen)
	return doc, err
}

func (h *Docs[T]) find(ctx context.Context, id string, since *uint64) (*T, uint64, error) {
	h.mu.Lock()
	doc, gen := h.docs[id], h.gen
	h.mu.Unlock()
	if doc != nil || (since != nil && *since == gen) {
		return doc, gen, nil
	}
	d, ok, err := store.Get[T](ctx, h.c, id)
	if err != nil || !ok {
		return nil, gen, err
	}
	return &d, gen, nil
}
