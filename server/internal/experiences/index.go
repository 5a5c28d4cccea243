package experiences

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// The list's index. The embedded store indexes _id alone, so a filter on
// ambito or amount would scan and decode every record (content included)
// on each request. Instead each record's filterable fields live in memory,
// ~200 bytes a record (1,000 records ≈ 200 KB): a list request filters and
// sorts them without touching the store. The index is derived, never the
// truth: Init rebuilds it from the heads at start-up, and each write of
// this process updates it after the head is stored. (The embedded store
// has one writer, this process; with several instances on MongoDB each
// would also need to reload the heads changed by others, e.g. every few
// seconds by updated_at.)

// entry is a record as the list filters, sorts and shows it.
type entry struct {
	ID, Titolo, Status                  string
	Ambito, Modello, Procedura, Esito   string
	AdmID, AdmName, AdmIPA, Region, Cat string
	Day                                 string // data_affidamento, else data_decisione
	Amount                              Euro   // importo_aggiudicato, else base; -1 unknown
	Version                             int
	ThreadID                            string
	UpdatedAt                           time.Time
	Moderated                           bool // hidden or deleted by a moderator
}

// index maps record ids to entries. An entry is never changed once in the
// map (a write puts a new one), so lists share them without copying.
type index struct {
	mu sync.RWMutex
	m  map[string]*entry
}

func newIndex() *index { return &index{m: map[string]*entry{}} }

func (x *index) put(d *recordDoc, f *Fields) {
	e := entry{ID: d.ID, Titolo: f.Titolo, Status: d.Status, Ambito: f.Ambito, Modello: f.Modello, Procedura: f.Procedura,
		Esito: f.Esito, AdmID: d.Administration.ID, AdmName: d.Administration.Name, AdmIPA: d.Administration.CodiceIPA,
		Region: d.Administration.Region, Cat: d.Administration.Category, Day: f.DataAffidamento, Amount: -1,
		Version: d.Version, ThreadID: d.ThreadID, UpdatedAt: d.UpdatedAt, Moderated: d.Moderated != nil}
	if e.Day == "" {
		e.Day = f.DataDecisione
	}
	if f.ImportoAggiudicatoEur != nil {
		e.Amount = *f.ImportoAggiudicatoEur
	} else if f.ImportoBaseEur != nil {
		e.Amount = *f.ImportoBaseEur
	}
	x.mu.Lock()
	x.m[d.ID] = &e
	x.mu.Unlock()
}

func (x *index) setThread(id, threadID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.m[id]; ok {
		c := *e
		c.ThreadID = threadID
		x.m[id] = &c
	}
}

// rebuildIndex reads every head once (start-up).
func (s *Service) rebuildIndex(ctx context.Context) error {
	cur, err := s.heads.R.Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("experiences: load index: %w", err)
	}
	defer cur.Close(ctx)
	n := 0
	for cur.Next(ctx) {
		var d recordDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("experiences: load index: %w", err)
		}
		f, err := d.fields()
		if err != nil {
			return err
		}
		s.index.put(&d, &f)
		n++
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("experiences: load index: %w", err)
	}
	s.log.Debug("experience index built", "records", n)
	return nil
}

// ListQuery is the list's query: each list filter takes several values,
// separated by commas or with the parameter repeated (any of them
// matches); dal/al bound the award date; importo_min and importo_max the
// amount in euro.
type ListQuery struct {
	Ambito     string `json:"ambito" query:"list"`
	Modello    string `json:"modello" query:"list"`
	Procedura  string `json:"procedura" query:"list"`
	Esito      string `json:"esito" query:"list"`
	Regione    string `json:"regione" query:"list"`
	Categoria  string `json:"categoria" query:"list"`
	Dal        string `json:"dal"`
	Al         string `json:"al"`
	ImportoMin string `json:"importo_min"`
	ImportoMax string `json:"importo_max"`
	Stato      string `json:"stato" validate:"omitempty,oneof=pubblicate bozze"`
	Sort       string `json:"sort" validate:"omitempty,oneof=aggiornamento -aggiornamento titolo -titolo importo -importo data -data"`
	Page       int    `json:"page" validate:"min=1,max=100000"`
	PerPage    int    `json:"per_page" validate:"min=0,max=100"`
}

// Summary is a record in the list.
type Summary struct {
	ID              string         `json:"id"`
	Titolo          string         `json:"titolo"`
	Status          string         `json:"status"`
	Version         int            `json:"version"`
	Amministrazione Administration `json:"amministrazione"`
	Ambito          string         `json:"ambito,omitempty"`
	Modello         string         `json:"modello,omitempty"`
	Procedura       string         `json:"procedura,omitempty"`
	Esito           string         `json:"esito,omitempty"`
	Data            string         `json:"data,omitempty"`
	ImportoEur      *Euro          `json:"importo_eur"`
	ThreadID        string         `json:"thread_id,omitempty"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// Page is a page of the list.
type Page struct {
	Items   []Summary `json:"items"`
	Total   int       `json:"total"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
}

const defaultPerPage = 20

var (
	regions    = strings.Fields(account.Regions)
	categories = strings.Fields(account.Categories)
)

// filter is a parsed ListQuery.
type filter struct {
	sets     [6]map[string]bool // ambito, modello, procedura, esito, regione, categoria; nil: any
	dal, al  string
	min, max Euro
	drafts   bool
}

func (q ListQuery) parse(today time.Time) (filter, error) {
	fl := filter{min: -1, max: -1, drafts: q.Stato == "bozze"}
	errs := map[string]string{}
	known := []struct {
		name, raw string
		ok        func(string) bool
	}{
		{"ambito", q.Ambito, listAmbito.Has}, {"modello", q.Modello, listModello.Has}, {"procedura", q.Procedura, listProcedura.Has},
		{"esito", q.Esito, listEsito.Has}, {"regione", q.Regione, inList(regions)}, {"categoria", q.Categoria, inList(categories)},
	}
	for i, k := range known {
		if k.raw == "" {
			continue
		}
		vals := strings.Split(k.raw, ",")
		if len(vals) > 30 {
			errs[k.name] = fieldTooMany + ":30"
			continue
		}
		fl.sets[i] = map[string]bool{}
		for _, v := range vals {
			if !k.ok(v) {
				errs[k.name] = problem.FieldOneOf
			}
			fl.sets[i][v] = true
		}
	}
	v := validator{errs: errs, maxDate: today.AddDate(maxFutureYears, 0, 0).Format(time.DateOnly)}
	v.date("dal", q.Dal)
	v.date("al", q.Al)
	fl.dal, fl.al = q.Dal, q.Al
	for _, b := range []struct {
		name, raw string
		dst       *Euro
	}{{"importo_min", q.ImportoMin, &fl.min}, {"importo_max", q.ImportoMax, &fl.max}} {
		if b.raw == "" {
			continue
		}
		e, err := ParseEuro(b.raw)
		switch {
		case err != nil:
			errs[b.name] = problem.FieldInvalid
		case e < 0:
			errs[b.name] = fieldNegative
		default:
			*b.dst = e
		}
	}
	if len(errs) > 0 {
		return filter{}, invalid(errs)
	}
	return fl, nil
}

func inList(vals []string) func(string) bool {
	return func(s string) bool {
		for _, v := range vals {
			if v == s {
				return true
			}
		}
		return false
	}
}

func (fl *filter) match(e *entry) bool {
	vals := [6]string{e.Ambito, e.Modello, e.Procedura, e.Esito, e.Region, e.Cat}
	for i, set := range fl.sets {
		if set != nil && !set[vals[i]] {
			return false
		}
	}
	if fl.dal != "" && (e.Day == "" || e.Day < fl.dal) || fl.al != "" && (e.Day == "" || e.Day > fl.al) {
		return false
	}
	if fl.min >= 0 && (e.Amount < 0 || e.Amount < fl.min) || fl.max >= 0 && (e.Amount < 0 || e.Amount > fl.max) {
		return false
	}
	return true
}

// List is a page of the records u may see that match q: published ones,
// or with stato=bozze the drafts u may read (their administration's; all
// for moderators).
func (s *Service) List(ctx context.Context, u *account.User, q ListQuery) (Page, error) {
	sub := u.Subject()
	if !authz.Can(authz.ReadExperience, sub, authz.Item{}) {
		return Page{}, problem.ErrForbidden
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if err := problem.Validate(q); err != nil {
		return Page{}, err
	}
	fl, err := q.parse(s.now())
	if err != nil {
		return Page{}, err
	}
	var hits []*entry
	s.index.mu.RLock()
	for _, e := range s.index.m {
		if (e.Status == StatusDraft) != fl.drafts || !fl.match(e) {
			continue
		}
		if fl.drafts && !authz.Can(authz.ReadExperience, sub, authz.Item{AdministrationID: e.AdmID, State: authz.Draft}) {
			continue
		}
		if e.Moderated && !seesModerated(sub, e.item()) {
			continue
		}
		hits = append(hits, e)
	}
	s.index.mu.RUnlock()
	sortEntries(hits, q.Sort)
	per := q.PerPage
	if per == 0 {
		per = defaultPerPage
	}
	p := Page{Items: []Summary{}, Total: len(hits), Page: q.Page, PerPage: per}
	for i := (q.Page - 1) * per; i < len(hits) && i < q.Page*per; i++ {
		p.Items = append(p.Items, hits[i].summary())
	}
	return p, nil
}

func (e *entry) summary() Summary {
	s := Summary{ID: e.ID, Titolo: e.Titolo, Status: e.Status, Version: e.Version,
		Amministrazione: Administration{ID: e.AdmID, CodiceIPA: e.AdmIPA, Name: e.AdmName, Category: e.Cat, Region: e.Region},
		Ambito:          e.Ambito, Modello: e.Modello, Procedura: e.Procedura, Esito: e.Esito, Data: e.Day,
		ThreadID: e.ThreadID, UpdatedAt: e.UpdatedAt}
	if e.Amount >= 0 {
		a := e.Amount
		s.ImportoEur = &a
	}
	return s
}

// sortEntries orders by key ("-" first: descending); ties by id, so pages
// never overlap. Records without the key go last either way.
func sortEntries(es []*entry, key string) {
	if key == "" {
		key = "-aggiornamento"
	}
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	cmp := func(a, b *entry) int {
		switch key {
		case "titolo":
			return strings.Compare(strings.ToLower(a.Titolo), strings.ToLower(b.Titolo))
		case "importo":
			return compareMissingLast(a.Amount < 0, b.Amount < 0, int64(a.Amount), int64(b.Amount), desc)
		case "data":
			return compareMissingLast(a.Day == "", b.Day == "", a.Day, b.Day, desc)
		default:
			return a.UpdatedAt.Compare(b.UpdatedAt)
		}
	}
	sort.Slice(es, func(i, j int) bool {
		c := cmp(es[i], es[j])
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		return es[i].ID < es[j].ID
	})
}

// compareMissingLast compares a and b, a missing value after any other in
// the final order (it undoes the flip desc applies later).
func compareMissingLast[T int64 | string](aMissing, bMissing bool, a, b T, desc bool) int {
	last := 1
	if desc {
		last = -1
	}
	switch {
	case aMissing && bMissing:
		return 0
	case aMissing:
		return last
	case bMissing:
		return -last
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
