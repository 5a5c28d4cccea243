package web_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func init() {
	for a, d := range moderationHTTPDrivers {
		httpDrivers[a] = d
	}
}

// moderationRecord is what a record of the thread's opening post is now
// ("" when there is none).
func (w *authzWorld) moderationRecord(t *testing.T, threadID string) string {
	raw, err := w.env.Board.Store.R("moderation_items").FindOne(testenv.Ctx(t), bson.M{"_id": moderation.RecordID("post", threadID+"-1")}).Raw()
	if err != nil {
		return ""
	}
	return raw.Lookup("state").String() + " " + raw.Lookup("reports").String() + " " + raw.Lookup("warnings").String()
}

var moderationHTTPDrivers = map[authz.Action]func(*testing.T, *authzWorld, authzCell) (int, bool){
	authz.ReportItem: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		th := w.thread(t, c)
		before := w.moderationRecord(t, th.ID)
		r := w.clients[c.Role].Do("POST", "/api/v1/moderation/reports", report("post", th.ID+"-1", "spam"))
		return r.Status, w.moderationRecord(t, th.ID) != before
	},
	authz.ReviewQueue: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.clients[c.Role].Do("GET", "/api/v1/moderation/queue?state=hidden", nil).Status, false
	},
	authz.ModerateItem: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		th := w.thread(t, c)
		if err := w.env.Board.Moderation.Report(testenv.Ctx(t), w.stranger, moderation.Report{Kind: "post", ID: th.ID + "-1", Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		before := w.moderationRecord(t, th.ID)
		r := w.clients[c.Role].Do("POST", "/api/v1/moderation/actions", map[string]any{"action": "dismiss",
			"ids": []string{moderation.RecordID("post", th.ID+"-1")}, "reason": "Infondata."})
		return r.Status, w.moderationRecord(t, th.ID) != before
	},
}
