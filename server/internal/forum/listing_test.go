package forum

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A listing reads both its binary entries and sub-documents written before them.
func TestListedThreadRoundTrip(t *testing.T) {
	want := ThreadSummary{ID: "7", CategoryID: "c", Title: "Titolo", Tags: []string{"a"}, PostCount: 3, ReplyCount: 2,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), LastActivityAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), Pinned: true}
	for name, v := range map[string]any{"binary": listedThread(want), "document": want} {
		raw, err := bson.Marshal(bson.M{"threads": bson.M{"7": v}})
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Threads map[string]listedThread `bson:"threads"`
		}
		if err := bson.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := ThreadSummary(d.Threads["7"])
		got.CreatedAt, got.LastActivityAt = got.CreatedAt.UTC(), got.LastActivityAt.UTC()
		if got.ID != want.ID || got.Title != want.Title || got.PostCount != 3 || !got.Pinned ||
			!got.CreatedAt.Equal(want.CreatedAt) || !got.LastActivityAt.Equal(want.LastActivityAt) || len(got.Tags) != 1 {
			t.Fatalf("%s: got %+v", name, got)
		}
	}
}
