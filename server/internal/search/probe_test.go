package search

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/store"
)

func TestProbe(t *testing.T) {
	dir := os.Getenv("PROBE_DIR")
	if dir == "" { t.Skip() }
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: dir, Database: "bench"})
	if err != nil { t.Fatal(err) }
	defer st.Close(ctx)
	ix := New(st)
	for _, q := range []Query{
		{Text: "mensa scolastica"},
		{Text: "riuso software", Author: "Utente 7"},
		{Text: "penali contratto manut"},
		{Text: "gara", CategoryID: "cat3"},
		{Text: "costi", From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), AdministrationIPA: "ipa_4"},
		{Text: "qualita servizio"},
		{Text: "capitolato"},
		{Text: "bavizo"},
	} {
		start := time.Now()
		r, err := ix.Query(ctx, q)
		if err != nil { t.Fatal(err) }
		fmt.Printf("%-40q total %5d  %v\n", q.Text, r.Total, time.Since(start))
	}
}
