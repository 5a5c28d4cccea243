package forum

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/text/unicode/norm"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

type categoryDoc struct {
	ID             string    `bson:"_id"`
	NameIT         string    `bson:"name_it"`
	NameEN         string    `bson:"name_en"`
	DescriptionIT  string    `bson:"description_it"`
	DescriptionEN  string    `bson:"description_en"`
	Position       int       `bson:"position"`
	Archived       bool      `bson:"archived"`
	ThreadCount    int       `bson:"thread_count"`
	PostCount      int       `bson:"post_count"`
	LastActivityAt time.Time `bson:"last_activity_at"`
	ListingVersion int64     `bson:"listing_version"` // moved after every change of the listing (cache.go)
}

// Category is a category in the reader's language, with both languages.
type Category struct {
	ID             string     `json:"id"`
	Slug           string     `json:"slug"`
	Name           string     `json:"name"`
	NameIT         string     `json:"name_it"`
	NameEN         string     `json:"name_en"`
	Description    string     `json:"description"`
	DescriptionIT  string     `json:"description_it"`
	DescriptionEN  string     `json:"description_en"`
	Position       int        `json:"position"`
	Archived       bool       `json:"archived"`
	ThreadCount    int        `json:"thread_count"`
	PostCount      int        `json:"post_count"`
	LastActivityAt *time.Time `json:"last_activity_at"`
	Following      bool       `json:"following"` // the reader follows its new threads
}

func (d *categoryDoc) view(lang string) Category {
	c := Category{
		ID: d.ID, Slug: d.ID, Name: d.NameIT, NameIT: d.NameIT, NameEN: d.NameEN,
		Description: d.DescriptionIT, DescriptionIT: d.DescriptionIT, DescriptionEN: d.DescriptionEN,
		Position: d.Position, Archived: d.Archived, ThreadCount: d.ThreadCount, PostCount: d.PostCount,
	}
	if lang == "en" && d.NameEN != "" {
		c.Name = d.NameEN
	}
	if lang == "en" && d.DescriptionEN != "" {
		c.Description = d.DescriptionEN
	}
	if !d.LastActivityAt.IsZero() {
		t := d.LastActivityAt
		c.LastActivityAt = &t
	}
	return c
}

// defaultCategories are the Cantiere's forums (DOMAIN.md); their ids are fixed.
var defaultCategories = []categoryDoc{
	{ID: "bacheca", NameIT: "Bacheca del Cantiere", NameEN: "Cantiere notice board", DescriptionIT: "Calendario, seminari e attività a distanza.", DescriptionEN: "Calendar, seminars and remote activities."},
	{ID: "presentazioni", NameIT: "Presentazioni", NameEN: "Introductions", DescriptionIT: "Presenta te e la tua amministrazione.", DescriptionEN: "Introduce yourself and your administration."},
	{ID: "analisi-strategica", NameIT: "Analisi strategica e make-or-buy", NameEN: "Strategic analysis and make-or-buy", DescriptionIT: "Attività core, obiettivi, costi interni e convenienza.", DescriptionEN: "Core activities, objectives, in-house costs and value for money."},
	{ID: "modelli-gestione", NameIT: "Modelli di gestione", NameEN: "Management models", DescriptionIT: "Appalto, concessione, in house, società mista, accordi tra PA.", DescriptionEN: "Contracts, concessions, in-house, mixed companies, agreements between administrations."},
	{ID: "atti-affidamento", NameIT: "Atti di affidamento", NameEN: "Award documents", DescriptionIT: "Bandi, capitolati, contratti e SLA.", DescriptionEN: "Calls for tender, specifications, contracts and SLAs."},
	{ID: "riorganizzazione", NameIT: "Riorganizzazione interna e personale", NameEN: "Internal reorganisation and staff", DescriptionIT: "Personale coinvolto, competenze da mantenere, ufficio di controllo.", DescriptionEN: "Staff involved, skills to retain, contract-control office."},
	{ID: "governo-contratto", NameIT: "Governo del contratto e monitoraggio", NameEN: "Contract management and monitoring", DescriptionIT: "Indicatori, penali e reportistica.", DescriptionEN: "Indicators, penalties and reporting."},
	{ID: "reversibilita", NameIT: "Reversibilità e reinternalizzazione", NameEN: "Reversibility and insourcing", DescriptionIT: "Rinnovo, nuova gara, cambio di modello, ritorno in house.", DescriptionEN: "Renewal, new tender, change of model, bringing back in house."},
	{ID: "tavolo-confronto", NameIT: "Tavolo di confronto: esperienze concluse", NameEN: "Comparison table: completed experiences", DescriptionIT: "Le amministrazioni che hanno già esternalizzato raccontano.", DescriptionEN: "Administrations that have already outsourced tell their story."},
	{ID: "progetti-preliminari", NameIT: "Progetti preliminari", NameEN: "Preliminary projects", DescriptionIT: "Una discussione per ogni amministrazione.", DescriptionEN: "One thread per administration."},
	{ID: "ambiti-settoriali", NameIT: "Ambiti settoriali", NameEN: "Service areas", DescriptionIT: "ICT, tributi, pulizie, ristorazione, servizi sociali e altri ambiti.", DescriptionEN: "ICT, taxes, cleaning, catering, social services and other areas."},
	{ID: "normativa", NameIT: "Normativa e giurisprudenza", NameEN: "Law and case law", DescriptionIT: "Codice dei contratti, pareri e sentenze.", DescriptionEN: "Public procurement code, opinions and rulings."},
	{ID: "materiali-seminari", NameIT: "Materiali dei seminari", NameEN: "Seminar materials", DescriptionIT: "Slide, registrazioni e documenti dei seminari.", DescriptionEN: "Slides, recordings and documents from the seminars."},
	{ID: "assistenza", NameIT: "Assistenza piattaforma", NameEN: "Platform help", DescriptionIT: "Domande e segnalazioni sull'uso di Tavolo.", DescriptionEN: "Questions and reports about using Tavolo."},
}

// ensureDefaultCategories inserts the default categories that are missing;
// it never overwrites an admin's changes.
func (s *Service) ensureDefaultCategories(ctx context.Context) error {
	for i, d := range defaultCategories {
		d.Position = i + 1
		_, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": d.ID},
			bson.M{"$setOnInsert": d}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("seed category %s: %w", d.ID, err)
		}
	}
	return nil
}

func (s *Service) category(ctx context.Context, id string) (*categoryDoc, error) {
	if !safeKey(id) {
		return nil, ErrCategoryNotFound
	}
	d, ok, err := store.Get[categoryDoc](ctx, s.deps.Store.Collection(colCategories), id)
	if err != nil {
		return nil, fmt.Errorf("load category %s: %w", id, err)
	}
	if !ok {
		return nil, ErrCategoryNotFound
	}
	return &d, nil
}

// allCategories is every category by position (a few dozen documents).
func (s *Service) allCategories(ctx context.Context) ([]categoryDoc, error) {
	cur, err := s.deps.Store.R(colCategories).Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	var docs []categoryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].Position != docs[j].Position {
			return docs[i].Position < docs[j].Position
		}
		return docs[i].ID < docs[j].ID
	})
	return docs, nil
}

// CategoriesFor lists the categories like Categories, with whether u
// follows each.
func (s *Service) CategoriesFor(ctx context.Context, u *account.User, lang string) ([]Category, error) {
	out, err := s.Categories(ctx, lang)
	if err != nil {
		return nil, err
	}
	rs, err := s.readerState(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Following = rs.follows.Categories[out[i].ID]
	}
	return out, nil
}

// Categories lists the categories by position, archived ones last.
func (s *Service) Categories(ctx context.Context, lang string) ([]Category, error) {
	docs, err := s.allCategories(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(docs, func(i, j int) bool { return !docs[i].Archived && docs[j].Archived })
	out := make([]Category, len(docs))
	for i := range docs {
		out[i] = docs[i].view(lang)
	}
	return out, nil
}

// CategoryInput creates a category.
type CategoryInput struct {
	NameIT        string `json:"name_it" validate:"required,min=2,max=80,nocontrol"`
	NameEN        string `json:"name_en" validate:"max=80,nocontrol"`
	DescriptionIT string `json:"description_it" validate:"max=300,nocontrol"`
	DescriptionEN string `json:"description_en" validate:"max=300,nocontrol"`
}

// CategoryPatch changes a category; nil fields stay as they are.
type CategoryPatch struct {
	NameIT        *string `json:"name_it" validate:"omitnil,min=2,max=80,nocontrol"`
	NameEN        *string `json:"name_en" validate:"omitnil,max=80,nocontrol"`
	DescriptionIT *string `json:"description_it" validate:"omitnil,max=300,nocontrol"`
	DescriptionEN *string `json:"description_en" validate:"omitnil,max=300,nocontrol"`
	Archived      *bool   `json:"archived"`
}

// CategoryOrder lists every category id once, in the new order.
type CategoryOrder struct {
	IDs []string `json:"ids" validate:"required,max=200,dive,required,max=64"`
}

// CreateCategory adds a category at the end (admins).
func (s *Service) CreateCategory(ctx context.Context, u *account.User, in CategoryInput, lang string) (Category, error) {
	if !authz.Can(authz.ManageCategories, u.Subject(), authz.Item{}) {
		return Category{}, ErrAdminOnly
	}
	in.NameIT, in.NameEN = strings.TrimSpace(in.NameIT), strings.TrimSpace(in.NameEN)
	in.DescriptionIT, in.DescriptionEN = strings.TrimSpace(in.DescriptionIT), strings.TrimSpace(in.DescriptionEN)
	if err := problem.Validate(in); err != nil {
		return Category{}, err
	}
	all, err := s.allCategories(ctx)
	if err != nil {
		return Category{}, err
	}
	d := categoryDoc{NameIT: in.NameIT, NameEN: in.NameEN, DescriptionIT: in.DescriptionIT, DescriptionEN: in.DescriptionEN, Position: len(all) + 1}
	if len(all) > 0 {
		d.Position = all[len(all)-1].Position + 1
	}
	base := slugify(in.NameIT)
	// Another admin may take the chosen slug meanwhile: read again and retry.
	for range 10 {
		d.ID = freeSlug(base, all)
		rec, err := s.deps.Audit.Begin(ctx, audit.Entry{Actor: u.AuditActor(), Action: audit.CategoryCreate,
			Target: audit.Target{Kind: "category", ID: d.ID, Label: d.NameIT}, Place: d.ID, After: categoryAudit(&d)})
		if err != nil {
			return Category{}, err
		}
		_, err = s.deps.Store.C(colCategories).InsertOne(ctx, d)
		rec.Done(ctx, err)
		if err == nil {
			return d.view(lang), nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return Category{}, fmt.Errorf("insert category: %w", err)
		}
		if all, err = s.allCategories(ctx); err != nil {
			return Category{}, err
		}
	}
	return Category{}, problem.ErrConflict
}

// UpdateCategory renames, describes, archives or restores a category (admins).
func (s *Service) UpdateCategory(ctx context.Context, u *account.User, id string, p CategoryPatch, lang string) (Category, error) {
	if !authz.Can(authz.ManageCategories, u.Subject(), authz.Item{}) {
		return Category{}, ErrAdminOnly
	}
	set := bson.M{}
	for field, v := range map[string]*string{"name_it": p.NameIT, "name_en": p.NameEN, "description_it": p.DescriptionIT, "description_en": p.DescriptionEN} {
		if v != nil {
			*v = strings.TrimSpace(*v)
			set[field] = *v
		}
	}
	if err := problem.Validate(p); err != nil {
		return Category{}, err
	}
	if p.Archived != nil {
		set["archived"] = *p.Archived
	}
	was, err := s.category(ctx, id)
	if err != nil {
		return Category{}, err
	}
	if len(set) > 0 {
		var rec *audit.Pending
		if e, changed := categoryChange(u, was, set); changed {
			if rec, err = s.deps.Audit.Begin(ctx, e); err != nil {
				return Category{}, err
			}
		}
		_, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
		rec.Done(ctx, err)
		if err != nil {
			return Category{}, fmt.Errorf("update category %s: %w", id, err)
		}
	}
	s.categoryWritten(id)
	d, err := s.category(ctx, id)
	if err != nil {
		return Category{}, err
	}
	v := d.view(lang)
	if rs, err := s.readerState(ctx, u.ID); err == nil {
		v.Following = rs.follows.Categories[id]
	}
	return v, nil
}

// ReorderCategories sets the positions from the order of ids (admins).
func (s *Service) ReorderCategories(ctx context.Context, u *account.User, in CategoryOrder, lang string) ([]Category, error) {
	if !authz.Can(authz.ManageCategories, u.Subject(), authz.Item{}) {
		return nil, ErrAdminOnly
	}
	if err := problem.Validate(in); err != nil {
		return nil, err
	}
	all, err := s.allCategories(ctx)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(all))
	for _, d := range all {
		known[d.ID] = true
	}
	seen := make(map[string]bool, len(in.IDs))
	for _, id := range in.IDs {
		if !known[id] || seen[id] {
			return nil, problem.ErrInvalid.With(map[string]string{"ids": fieldCategoryOrder})
		}
		seen[id] = true
	}
	if len(seen) != len(known) {
		return nil, problem.ErrInvalid.With(map[string]string{"ids": fieldCategoryOrder})
	}
	var rec *audit.Pending
	if was := categoryOrder(all); !slices.Equal(was, in.IDs) {
		if rec, err = s.deps.Audit.Begin(ctx, audit.Entry{Actor: u.AuditActor(), Action: audit.CategoryReorder,
			Target: audit.Target{Kind: "categories", ID: "order"},
			Before: map[string]any{"order": was}, After: map[string]any{"order": in.IDs}}); err != nil {
			return nil, err
		}
	}
	for i, id := range in.IDs {
		_, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"position": i + 1}})
		s.categoryWritten(id)
		if err != nil {
			// Some positions may have moved: the replay at the next
			// start logs the order if it holds.
			return nil, fmt.Errorf("reorder category %s: %w", id, err)
		}
	}
	rec.Done(ctx, nil)
	return s.CategoriesFor(ctx, u, lang)
}

// slugify makes a URL-safe id from a name: lower case, accents dropped,
// Latin letters without a decomposition spelled out. A name with nothing
// left in ASCII (Greek, Cyrillic, emoji) gets "categoria-" and a random
// suffix, so such names do not all compete for one slug.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case latinSpelling[r] != "":
			b.WriteString(latinSpelling[r])
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimRight(b.String(), "-")
	if len(slug) > 40 {
		slug = strings.TrimRight(slug[:40], "-")
	}
	if slug == "" {
		slug = "categoria-" + strings.ToLower(rand.Text()[:6])
	}
	return slug
}

// latinSpelling spells the Latin letters that NFD does not decompose.
var latinSpelling = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ŋ': "n", 'ħ': "h",
}

// freeSlug is base if no category has it as id, else base-N with the
// smallest free N from 2: there is no cap on how many share a base.
func freeSlug(base string, all []categoryDoc) string {
	taken := make(map[string]bool, len(all))
	for _, d := range all {
		taken[d.ID] = true
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id
}
