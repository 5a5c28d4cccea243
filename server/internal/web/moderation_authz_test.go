package web_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func init() {
	for a, d := range moderationHTTPDrivers {
		httpDrivers[a] = d
	}
	// A record (or its comments) that one may not read does not exist for
	// them: those refusals are 404s, as on the record's own routes.
	deniedAlsoAs[authz.ReportExperience] = 404
	deniedAlsoAs[authz.ReportCellComment] = 404
}

// reportCase reports item id of kind as the cell's role: the status, and
// whether its record changed.
func (w *authzWorld) reportCase(t *testing.T, c authzCell, kind, id string) (int, bool) {
	rid := moderation.RecordID(kind, id)
	before := w.recordState(t, rid)
	r := w.clients[c.Role].Do("POST", "/api/v1/moderation/reports", report(kind, id, "spam"))
	return r.Status, w.recordState(t, rid) != before
}

// moderationRecord is what a record of the thread's opening post is now
// ("" when there is none).
func (w *authzWorld) moderationRecord(t *testing.T, threadID string) string {
	return w.recordState(t, moderation.RecordID("post", threadID+"-1"))
}

// recordState is what moderation record rid is now ("" when there is none).
func (w *authzWorld) recordState(t *testing.T, rid string) string {
	raw, err := w.env.Board.Store.R("moderation_items").FindOne(testenv.Ctx(t), bson.M{"_id": rid}).Raw()
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
	authz.ReportExperience: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.reportCase(t, c, moderation.KindExperience, w.experience(t, c).ID)
	},
	authz.ReportCellComment: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		_, by := w.env.NewUserIn(w.away.ID, account.RoleModerator) // one per case: comments are rate limited
		cc, err := w.env.Board.CellNotes.Post(testenv.Ctx(t), by, e.ID, cellnotes.CellCommentInput{Field: "ambito", Body: "Un commento."}, "it")
		if err != nil {
			t.Fatal(err)
		}
		return w.reportCase(t, c, moderation.KindCellComment, cc.ModerationID)
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
