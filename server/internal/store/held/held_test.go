package held_test

import (
	"testing"

	"github.com/cantieri/tavolo/server/internal/store/held"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

type doc struct {
	ID string `bson:"_id"`
	V  int    `bson:"v"`
}

// A document is found held until it is stored, then in the store; a
// reader that looked before reads the store again only once some were
// stored (the generation moved), and a forgotten one is not found.
func TestHeldThenStored(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	c := st.Collection("held_test")
	h := held.New[doc](c)
	value := func(d *doc) int {
		if d == nil {
			return 0
		}
		return d.V
	}

	got, gen, err := h.Get(ctx, "a")
	if err != nil || got != nil {
		t.Fatalf("Get before anything: got %+v, %v; want nothing", got, err)
	}
	h.Hold("a", &doc{ID: "a", V: 1})
	steps := []struct {
		name string
		do   func() (*doc, error)
		want int // V of the document found, 0: none
	}{
		{"Since, held now", func() (*doc, error) { return h.Since(ctx, "a", gen) }, 1},
		{"Get, held", func() (*doc, error) { d, _, err := h.Get(ctx, "a"); return d, err }, 1},
		{"stored as 2, Since before Stored: the store is not read", func() (*doc, error) {
			if _, err := c.W.InsertOne(ctx, doc{ID: "a", V: 2}); err != nil {
				return nil, err
			}
			h.Forget("a") // not Stored: the generation stays
			return h.Since(ctx, "a", gen)
		}, 0},
		{"Stored: Since reads the store", func() (*doc, error) {
			h.Stored("a")
			return h.Since(ctx, "a", gen)
		}, 2},
		{"Get, stored", func() (*doc, error) { d, _, err := h.Get(ctx, "a"); return d, err }, 2},
		{"held and forgotten, never stored", func() (*doc, error) {
			h.Hold("b", &doc{ID: "b", V: 3})
			h.Forget("b")
			d, _, err := h.Get(ctx, "b")
			return d, err
		}, 0},
	}
	for _, s := range steps {
		d, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if value(d) != s.want {
			t.Errorf("%s: got V %d, want %d", s.name, value(d), s.want)
		}
	}
	if _, now, _ := h.Get(ctx, "a"); now != gen+1 {
		t.Errorf("generation: got %d, want %d (one Stored)", now, gen+1)
	}
}
