package web_test

import (
	"fmt"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// The comparison tables' drivers for TestAuthzTable.
func init() {
	httpDrivers[authz.CreateTable] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		before := w.countTables(t)
		r := w.clients[c.Role].Do("POST", "/api/v1/tables", map[string]any{"name": fmt.Sprintf("Tavolo %d", w.seq.Add(1)),
			"experiences": w.tableRecords(t)})
		return r.Status, w.countTables(t) != before
	}
	httpDrivers[authz.ReadTable] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		tb := w.table(t, c)
		return w.clients[c.Role].Do("GET", "/api/v1/tables/"+tb.ID+"/comparison", nil).Status, false
	}
	httpDrivers[authz.EditTable] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		tb := w.table(t, c)
		r := w.clients[c.Role].Do("PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": tb.Version, "name": "Rinominato"})
		return r.Status, w.tableVersion(t, tb.ID) != tb.Version
	}
	httpDrivers[authz.ExportTable] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		tb := w.table(t, c)
		return w.clients[c.Role].Do("GET", "/api/v1/tables/"+tb.ID+"/export?format=csv", nil).Status, false
	}
	wsDrivers[authz.SubscribeTable] = func(t *testing.T, w *authzWorld, c authzCell) bool {
		tb := w.table(t, c)
		ws := w.dial(t, c.Role)
		if ws == nil {
			return false
		}
		_, m := ws.Subscribe(tables.Topic(tb.ID), -1)
		return m.Type == "subscribed"
	}
}

// tableRecords are two published records every active user may compare,
// made once.
func (w *authzWorld) tableRecords(t *testing.T) []string {
	if w.records == nil {
		for range 2 {
			w.records = append(w.records, w.experience(t, authzCell{}).ID)
		}
	}
	return w.records
}

// table makes a table owned by the cell's owner, as they were when active.
func (w *authzWorld) table(t *testing.T, c authzCell) tables.Table {
	owner := *w.owner(c)
	owner.Suspended, owner.AdministrationStatus = false, account.StatusApproved
	tb, err := w.env.Board.Tables.Create(testenv.Ctx(t), &owner, tables.NewTable{Name: fmt.Sprintf("Tavolo %d", w.seq.Add(1)),
		Experiences: w.tableRecords(t)})
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	return tb
}

func (w *authzWorld) tableVersion(t *testing.T, id string) int {
	tb, err := w.env.Board.Tables.Get(testenv.Ctx(t), w.bossUser, id)
	if err != nil {
		t.Fatal(err)
	}
	return tb.Version
}

func (w *authzWorld) countTables(t *testing.T) int64 {
	n, err := w.env.Board.Store.R("tables").CountDocuments(testenv.Ctx(t), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
