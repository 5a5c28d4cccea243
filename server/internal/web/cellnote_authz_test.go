package web_test

import (
	"fmt"
	"testing"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// The cell comments' drivers for TestAuthzTable. Like the record itself, a
// draft of another administration does not exist for those who may not
// read it: their refusals are 404s.
func init() {
	deniedAlsoAs[authz.ReadCellComments] = 404
	deniedAlsoAs[authz.CommentCell] = 404
	httpDrivers[authz.ReadCellComments] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		return w.clients[c.Role].Do("GET", "/api/v1/experiences/"+e.ID+"/comments?field=ambito", nil).Status, false
	}
	httpDrivers[authz.CommentCell] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		r := w.clients[c.Role].Do("POST", "/api/v1/experiences/"+e.ID+"/comments",
			map[string]any{"field": "ambito", "body": fmt.Sprintf("Commento %d", w.seq.Add(1))})
		n, err := w.env.Board.CellNotes.Counts(testenv.Ctx(t), w.bossUser, []string{e.ID})
		if err != nil {
			t.Fatal(err)
		}
		return r.Status, n.Counts[e.ID]["ambito"] != 0
	}
}
