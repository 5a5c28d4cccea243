package web_test

import (
	"fmt"
	"testing"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// The experience actions' drivers for TestAuthzTable, kept in their own
// file. A draft of another administration does not exist for those who may
// not read it: their refusals are 404s.
func init() {
	for _, a := range []authz.Action{authz.ReadExperience, authz.ReadExperienceHistory, authz.EditExperience,
		authz.PublishExperience, authz.AttachExperienceDocument} {
		deniedAlsoAs[a] = 404
	}
	httpDrivers[authz.CreateExperience] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		before := w.countExperiences(t)
		r := w.clients[c.Role].Do("POST", "/api/v1/experiences", map[string]any{"fields": map[string]any{"titolo": fmt.Sprintf("Esperienza %d", w.seq.Add(1))}})
		return r.Status, w.countExperiences(t) != before
	}
	httpDrivers[authz.ReadExperience] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		return w.clients[c.Role].Do("GET", "/api/v1/experiences/"+e.ID, nil).Status, false
	}
	httpDrivers[authz.ReadExperienceHistory] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		return w.clients[c.Role].Do("GET", "/api/v1/experiences/"+e.ID+"/history", nil).Status, false
	}
	httpDrivers[authz.EditExperience] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		f := expFields("Titolo cambiato")
		r := w.clients[c.Role].Do("PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": e.Version, "fields": f})
		return r.Status, w.experienceVersion(t, e.ID) != e.Version
	}
	httpDrivers[authz.PublishExperience] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		c.State |= authz.Draft // only a draft is published
		e := w.experience(t, c)
		r := w.clients[c.Role].Do("POST", "/api/v1/experiences/"+e.ID+"/publish", map[string]any{"base_version": e.Version})
		return r.Status, w.experienceVersion(t, e.ID) != e.Version
	}
	httpDrivers[authz.AttachExperienceDocument] = func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		e := w.experience(t, c)
		file := "AAAAAAAAAAAAAAAAAAAAAA" // those who cannot upload name no file of theirs
		if r := upload(w.clients[c.Role], "capitolato.pdf", []byte("%PDF-1.7\ncapitolato\n%%EOF")); r.Status == 201 {
			var a struct{ ID string }
			r.JSON(t, &a)
			file = a.ID
		}
		r := w.clients[c.Role].Do("POST", "/api/v1/experiences/"+e.ID+"/documents", map[string]any{"base_version": e.Version, "file_id": file, "tipo": "capitolato"})
		return r.Status, w.experienceVersion(t, e.ID) != e.Version
	}
}

// experience makes a record of the cell's administration, by a participant
// of it, published unless the cell is a draft.
func (w *authzWorld) experience(t *testing.T, c authzCell) experiences.Experience {
	ctx := testenv.Ctx(t)
	by := w.users[authz.Participant]
	if c.OtherAdm {
		by = w.stranger
	}
	e, err := w.env.Board.Experiences.Create(ctx, by, experiences.NewExperience{Fields: experiences.Fields{
		Titolo: fmt.Sprintf("Esperienza %d", w.seq.Add(1)), Ambito: "pulizie", TipoAttivita: "strumentale", Modello: "appalto_servizi",
		TipoContratto: "servizi", Procedura: "aperta", Esito: "in_esecuzione"}}, "it")
	if err != nil {
		t.Fatalf("create experience: %v", err)
	}
	if c.State&authz.Draft == 0 {
		if e, err = w.env.Board.Experiences.Publish(ctx, by, e.ID, experiences.PublishInput{BaseVersion: e.Version}, "it"); err != nil {
			t.Fatalf("publish experience: %v", err)
		}
	}
	return e
}

func (w *authzWorld) experienceVersion(t *testing.T, id string) int {
	e, err := w.env.Board.Experiences.Get(testenv.Ctx(t), w.bossUser, id, "it")
	if err != nil {
		t.Fatal(err)
	}
	return e.Version
}

func (w *authzWorld) countExperiences(t *testing.T) int64 {
	n, err := w.env.Board.Store.R("experiences").CountDocuments(testenv.Ctx(t), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
