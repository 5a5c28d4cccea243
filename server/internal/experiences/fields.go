package experiences

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cantieri/tavolo/server/internal/problem"
)

// Fields are what people type into a record (DOMAIN.md): its wire form and
// the content each stored version keeps, as JSON. Closed-list values are
// snake_case; "" and nil mean "not given". Nothing derived (sopra_soglia_ue)
// and nothing about the owner is here: a request naming them is refused.
type Fields struct {
	Titolo            string   `json:"titolo"`
	EntiAssociati     []string `json:"enti_associati,omitempty"`
	Ambito            string   `json:"ambito,omitempty"`
	TipoAttivita      string   `json:"tipo_attivita,omitempty"`
	Grado             string   `json:"grado,omitempty"`
	DataDecisione     string   `json:"data_decisione,omitempty"`
	DataAffidamento   string   `json:"data_affidamento,omitempty"`
	DataAvvio         string   `json:"data_avvio,omitempty"`
	DataFineContratto string   `json:"data_fine_contratto,omitempty"`
	DurataMesi        *int     `json:"durata_mesi,omitempty"`
	Esito             string   `json:"esito,omitempty"`

	Obiettivi               []string `json:"obiettivi,omitempty"`
	AnalisiConvenienza      string   `json:"analisi_convenienza,omitempty"`
	CostoInternoAnteEurAnno *Euro    `json:"costo_interno_ante_eur_anno,omitempty"`

	Modello               string `json:"modello,omitempty"`
	TipoContratto         string `json:"tipo_contratto,omitempty"`
	Normativa             string `json:"normativa,omitempty"`
	Procedura             string `json:"procedura,omitempty"`
	Criterio              string `json:"criterio,omitempty"`
	ImportoBaseEur        *Euro  `json:"importo_base_eur,omitempty"`
	ImportoAggiudicatoEur *Euro  `json:"importo_aggiudicato_eur,omitempty"`
	NOfferte              *int   `json:"n_offerte,omitempty"`
	CIG                   string `json:"cig,omitempty"`
	CPV                   string `json:"cpv,omitempty"`
	FornitoreTipo         string `json:"fornitore_tipo,omitempty"`

	PersonaleCoinvolto    *int   `json:"personale_coinvolto,omitempty"`
	DestinazionePersonale string `json:"destinazione_personale,omitempty"`
	ClausolaSociale       *bool  `json:"clausola_sociale,omitempty"`
	StrutturaControllo    string `json:"struttura_controllo,omitempty"`

	Indicatori           []Indicatore          `json:"indicatori,omitempty"`
	Penali               *Penali               `json:"penali,omitempty"`
	Reporting            string                `json:"reporting,omitempty"`
	CustomerSatisfaction *CustomerSatisfaction `json:"customer_satisfaction,omitempty"`
	DeltaCostoPct        *float64              `json:"delta_costo_pct,omitempty"`
	ValutazioneQualita   *int                  `json:"valutazione_qualita,omitempty"`

	ClausolaUscita    *bool  `json:"clausola_uscita,omitempty"`
	PianoSubentro     *bool  `json:"piano_subentro,omitempty"`
	ProprietaDatiBeni string `json:"proprieta_dati_beni,omitempty"`

	FattoriCritici map[string]int `json:"fattori_critici,omitempty"`
	LezioniApprese string         `json:"lezioni_apprese,omitempty"`
}

// Indicatore is one SLA indicator: what is measured, its unit, the
// contract's threshold and the value measured.
type Indicatore struct {
	Nome   string   `json:"nome"`
	Unita  string   `json:"unita,omitempty"`
	Soglia *float64 `json:"soglia,omitempty"`
	Valore *float64 `json:"valore,omitempty"`
}

// Penali says whether the contract had penalties and how much was applied.
type Penali struct {
	Previste     *bool `json:"previste,omitempty"`
	ApplicateEur *Euro `json:"applicate_eur,omitempty"`
}

// CustomerSatisfaction says whether a survey was run and its score (0–100).
type CustomerSatisfaction struct {
	Svolta    *bool    `json:"svolta,omitempty"`
	Punteggio *float64 `json:"punteggio,omitempty"`
}

// Field codes of the record (shown next to the field; the client localises
// by code, the server sends the English or Italian text too).
var (
	fieldDate                = problem.DefineField("date", "Data non valida: usa il formato aaaa-mm-gg.", "Not a valid date: use yyyy-mm-dd.")
	fieldDateRange           = problem.DefineField("date_range", "Data fuori dall'intervallo ammesso (1990 – %s).", "Date outside the allowed range (1990 – %s).")
	fieldEndBeforeAvvio      = problem.DefineField("end_before_start", "La fine del contratto deve essere successiva all'avvio.", "The contract end must be after the start.")
	fieldAwardBeforeDecision = problem.DefineField("award_before_decision", "L'affidamento non può precedere la decisione.", "The award cannot precede the decision.")
	fieldNegative            = problem.DefineField("negative", "L'importo non può essere negativo.", "The amount cannot be negative.")
	fieldTooLarge            = problem.DefineField("too_large", "Valore troppo grande.", "Value too large.")
	fieldRange               = problem.DefineField("range", "Valore fuori dall'intervallo ammesso (%s).", "Value outside the allowed range (%s).")
	fieldAwardedAboveBase    = problem.DefineField("awarded_above_base", "L'importo aggiudicato supera l'importo a base di gara.", "The awarded amount is above the base amount.")
	fieldCIG                 = problem.DefineField("cig", "CIG non valido: 10 caratteri, cifre e lettere A–F (X, Y o Z in prima posizione per lo smart CIG).", "Not a valid CIG: 10 characters, digits and letters A–F (X, Y or Z first for a smart CIG).")
	fieldCPV                 = problem.DefineField("cpv", "CPV non valido: 8 cifre, trattino, cifra di controllo (es. 79500000-9).", "Not a valid CPV code: 8 digits, a dash, a check digit (e.g. 79500000-9).")
	fieldIPA                 = problem.DefineField("codice_ipa", "Codice IPA non valido.", "Not a valid IPA code.")
	fieldDuplicate           = problem.DefineField("duplicate", "Valore ripetuto.", "Repeated value.")
	fieldTooMany             = problem.DefineField("too_many", "Troppi elementi: al massimo %s.", "Too many items: at most %s.")
	fieldNotFinite           = problem.DefineField("not_finite", "Numero non valido.", "Not a valid number.")
	// warnDirectAward is a warning, not an error: the save goes through.
	warnDirectAward = problem.DefineField("direct_award_above_limit", "Affidamento diretto oltre i limiti dell'art. 50 del d.lgs. 36/2023 (%s €).", "Direct award above the limits of art. 50 of d.lgs. 36/2023 (€ %s).")
)

var (
	cigPattern = regexp.MustCompile(`^[0-9A-FXYZ][0-9A-F]{9}$`)
	cpvPattern = regexp.MustCompile(`^[0-9]{8}-[0-9]$`)
	ipaPattern = regexp.MustCompile(`^[A-Za-z0-9_]{2,20}$`)
)

// Limits of the free-text and repeatable fields.
const (
	maxTitle      = 200
	maxLessons    = 20000
	maxIndicators = 30
	maxPartners   = 50
	maxShortText  = 120
	minDate       = "1990-01-01"
	// maxFutureYears bounds dates: a contract may end decades from now, not centuries.
	maxFutureYears = 40
)

// normalise trims text and puts the CIG in upper case, before Validate.
func (f *Fields) normalise() {
	f.Titolo = strings.TrimSpace(f.Titolo)
	f.CIG = strings.ToUpper(strings.TrimSpace(f.CIG))
	f.CPV = strings.TrimSpace(f.CPV)
	for i := range f.Indicatori {
		f.Indicatori[i].Nome = strings.TrimSpace(f.Indicatori[i].Nome)
		f.Indicatori[i].Unita = strings.TrimSpace(f.Indicatori[i].Unita)
	}
	for i := range f.EntiAssociati {
		f.EntiAssociati[i] = strings.TrimSpace(f.EntiAssociati[i])
	}
}

// requiredToPublish are the fields a published record must have, so that
// it compares with the others; a draft may lack them.
var requiredToPublish = []string{"titolo", "ambito", "tipo_attivita", "modello", "tipo_contratto", "procedura", "esito"}

// Validate checks every field and the rules between fields; today bounds
// the dates. publish adds the fields a published record needs. It returns
// field (JSON path) -> field code, empty when all is well.
func Validate(f *Fields, publish bool, today time.Time) map[string]string {
	v := validator{errs: map[string]string{}, maxDate: today.AddDate(maxFutureYears, 0, 0).Format(time.DateOnly)}
	v.text("titolo", f.Titolo, maxTitle, false)
	if f.Titolo != "" && utf8.RuneCountInString(f.Titolo) < 3 {
		v.set("titolo", problem.FieldMin+":3")
	}
	if len(f.EntiAssociati) > maxPartners {
		v.set("enti_associati", fieldTooMany+":"+strconv.Itoa(maxPartners))
	}
	seen := map[string]bool{}
	for i, c := range f.EntiAssociati {
		p := fmt.Sprintf("enti_associati[%d]", i)
		switch {
		case !ipaPattern.MatchString(c):
			v.set(p, fieldIPA)
		case seen[strings.ToLower(c)]:
			v.set(p, fieldDuplicate)
		}
		seen[strings.ToLower(c)] = true
	}
	v.oneOf("ambito", f.Ambito, listAmbito)
	v.oneOf("tipo_attivita", f.TipoAttivita, listTipoAttivita)
	v.oneOf("grado", f.Grado, listGrado)
	v.oneOf("esito", f.Esito, listEsito)
	v.oneOf("analisi_convenienza", f.AnalisiConvenienza, listAnalisiConvenienza)
	v.oneOf("modello", f.Modello, listModello)
	v.oneOf("tipo_contratto", f.TipoContratto, listTipoContratto)
	v.oneOf("normativa", f.Normativa, listNormativa)
	v.oneOf("procedura", f.Procedura, listProcedura)
	v.oneOf("criterio", f.Criterio, listCriterio)
	v.oneOf("fornitore_tipo", f.FornitoreTipo, listFornitoreTipo)
	v.oneOf("destinazione_personale", f.DestinazionePersonale, listDestinazionePersonale)
	v.oneOf("struttura_controllo", f.StrutturaControllo, listStrutturaControllo)
	v.oneOf("reporting", f.Reporting, listReporting)
	v.oneOf("proprieta_dati_beni", f.ProprietaDatiBeni, listProprieta)
	v.set2(v.many("obiettivi", f.Obiettivi, listObiettivi))

	dates := map[string]string{"data_decisione": f.DataDecisione, "data_affidamento": f.DataAffidamento,
		"data_avvio": f.DataAvvio, "data_fine_contratto": f.DataFineContratto}
	for name, d := range dates {
		v.date(name, d)
	}
	if v.ok("data_avvio", f.DataAvvio) && v.ok("data_fine_contratto", f.DataFineContratto) && f.DataFineContratto <= f.DataAvvio {
		v.set("data_fine_contratto", fieldEndBeforeAvvio)
	}
	if v.ok("data_decisione", f.DataDecisione) && v.ok("data_affidamento", f.DataAffidamento) && f.DataAffidamento < f.DataDecisione {
		v.set("data_affidamento", fieldAwardBeforeDecision)
	}
	v.intRange("durata_mesi", f.DurataMesi, 1, 600)
	v.intRange("n_offerte", f.NOfferte, 0, 10000)
	v.intRange("personale_coinvolto", f.PersonaleCoinvolto, 0, 100000)
	v.intRange("valutazione_qualita", f.ValutazioneQualita, 1, 5)
	v.floatRange("delta_costo_pct", f.DeltaCostoPct, -100, 1000)

	v.euro("costo_interno_ante_eur_anno", f.CostoInternoAnteEurAnno)
	v.euro("importo_base_eur", f.ImportoBaseEur)
	v.euro("importo_aggiudicato_eur", f.ImportoAggiudicatoEur)
	if f.ImportoBaseEur != nil && f.ImportoAggiudicatoEur != nil && v.errs["importo_base_eur"] == "" &&
		v.errs["importo_aggiudicato_eur"] == "" && *f.ImportoAggiudicatoEur > *f.ImportoBaseEur {
		v.set("importo_aggiudicato_eur", fieldAwardedAboveBase)
	}
	if f.CIG != "" && !cigPattern.MatchString(f.CIG) {
		v.set("cig", fieldCIG)
	}
	if f.CPV != "" && !cpvPattern.MatchString(f.CPV) {
		v.set("cpv", fieldCPV)
	}

	if len(f.Indicatori) > maxIndicators {
		v.set("indicatori", fieldTooMany+":"+strconv.Itoa(maxIndicators))
	}
	for i, in := range f.Indicatori {
		p := fmt.Sprintf("indicatori[%d].", i)
		if in.Nome == "" {
			v.set(p+"nome", problem.FieldRequired)
		}
		v.text(p+"nome", in.Nome, maxShortText, false)
		v.text(p+"unita", in.Unita, 30, false)
		v.floatRange(p+"soglia", in.Soglia, -1e12, 1e12)
		v.floatRange(p+"valore", in.Valore, -1e12, 1e12)
	}
	if f.Penali != nil {
		v.euro("penali.applicate_eur", f.Penali.ApplicateEur)
	}
	if f.CustomerSatisfaction != nil {
		v.floatRange("customer_satisfaction.punteggio", f.CustomerSatisfaction.Punteggio, 0, 100)
	}
	for k, n := range f.FattoriCritici {
		p := "fattori_critici." + k
		switch {
		case !listFattoriCritici.Has(k):
			v.set("fattori_critici", problem.FieldUnknown)
		case n < 1 || n > 5:
			v.set(p, fieldRange+":1–5")
		}
	}
	v.text("lezioni_apprese", f.LezioniApprese, maxLessons, true)

	if publish {
		values := map[string]string{"titolo": f.Titolo, "ambito": f.Ambito, "tipo_attivita": f.TipoAttivita, "modello": f.Modello,
			"tipo_contratto": f.TipoContratto, "procedura": f.Procedura, "esito": f.Esito}
		for _, name := range requiredToPublish {
			if values[name] == "" {
				v.set(name, problem.FieldRequired)
			}
		}
	}
	return v.errs
}

// validator gathers field codes; the first code of a field wins.
type validator struct {
	errs    map[string]string
	maxDate string
}

func (v *validator) set(field, code string) {
	if _, dup := v.errs[field]; !dup {
		v.errs[field] = code
	}
}

func (v *validator) set2(field, code string) {
	if field != "" {
		v.set(field, code)
	}
}

// ok reports whether a given field is set and passed so far.
func (v *validator) ok(field, value string) bool { return value != "" && v.errs[field] == "" }

func (v *validator) text(field, s string, max int, multiline bool) {
	switch {
	case !utf8.ValidString(s):
		v.set(field, problem.FieldUnicode)
	case utf8.RuneCountInString(s) > max:
		v.set(field, problem.FieldMax+":"+strconv.Itoa(max))
	}
	for _, r := range s {
		if r < 0x20 && !(multiline && (r == '\n' || r == '\r' || r == '\t')) || r == 0x7f {
			v.set(field, problem.FieldControl)
			return
		}
	}
}

func (v *validator) oneOf(field, s string, l List) {
	if s != "" && !l.Has(s) {
		v.set(field, problem.FieldOneOf)
	}
}

// many checks a multiple choice: known values, each once.
func (v *validator) many(field string, vals []string, l List) (string, string) {
	seen := map[string]bool{}
	for i, s := range vals {
		p := fmt.Sprintf("%s[%d]", field, i)
		if !l.Has(s) {
			return p, problem.FieldOneOf
		}
		if seen[s] {
			return p, fieldDuplicate
		}
		seen[s] = true
	}
	return "", ""
}

func (v *validator) date(field, s string) {
	if s == "" {
		return
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Format(time.DateOnly) != s {
		v.set(field, fieldDate)
		return
	}
	if s < minDate || s > v.maxDate {
		v.set(field, fieldDateRange+":"+v.maxDate[:4])
	}
}

func (v *validator) intRange(field string, n *int, lo, hi int) {
	if n != nil && (*n < lo || *n > hi) {
		v.set(field, fmt.Sprintf("%s:%d–%d", fieldRange, lo, hi))
	}
}

func (v *validator) floatRange(field string, x *float64, lo, hi float64) {
	if x == nil {
		return
	}
	if *x != *x { // NaN cannot come from JSON, but the domain is callable without it
		v.set(field, fieldNotFinite)
		return
	}
	if *x < lo || *x > hi {
		v.set(field, fmt.Sprintf("%s:%g–%g", fieldRange, lo, hi))
	}
}

func (v *validator) euro(field string, e *Euro) {
	switch {
	case e == nil:
	case *e < 0:
		v.set(field, fieldNegative)
	case *e > maxEuro:
		v.set(field, fieldTooLarge)
	}
}
