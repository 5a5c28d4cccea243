package experiences

import (
	"strconv"
	"strings"
)

// Threshold is one period's EU thresholds (Directive 2014/24/EU, art. 4,
// as revised every two years by Commission delegated regulations; d.lgs.
// 36/2023 art. 14 applies them): services and supplies bought by central
// government bodies and by the others, works and concessions.
type Threshold struct {
	From       string `json:"from"` // first day, YYYY-MM-DD
	To         string `json:"to"`   // last day, "" = still in force
	Central    Euro   `json:"central_eur"`
	Other      Euro   `json:"other_eur"`
	Works      Euro   `json:"works_eur"`
	Concess    Euro   `json:"concessions_eur"`
	Regulation string `json:"regulation"`
}

// thresholds by period; a date before the first period has no computed
// value (the record says so rather than guess). Every period was checked on
// 2026-12-02 against published tables of the regulations' values (the
// Commission's thresholds page for 2022, Ireland's OGP notice for 2020,
// the 2016, 2024 and 2026 announcements, and the UK's 2018 sterling
// equivalents, which are these euro values at the same rate).
var thresholds = []Threshold{
	{From: "2016-01-01", To: "2017-12-31", Central: EuroOf(135_000), Other: EuroOf(209_000), Works: EuroOf(5_225_000), Concess: EuroOf(5_225_000), Regulation: "Reg. (UE) 2015/2170, 2015/2172"},
	{From: "2018-01-01", To: "2019-12-31", Central: EuroOf(144_000), Other: EuroOf(221_000), Works: EuroOf(5_548_000), Concess: EuroOf(5_548_000), Regulation: "Reg. (UE) 2017/2365, 2017/2366"},
	{From: "2020-01-01", To: "2021-12-31", Central: EuroOf(139_000), Other: EuroOf(214_000), Works: EuroOf(5_350_000), Concess: EuroOf(5_350_000), Regulation: "Reg. (UE) 2019/1828, 2019/1827"},
	{From: "2022-01-01", To: "2023-12-31", Central: EuroOf(140_000), Other: EuroOf(215_000), Works: EuroOf(5_382_000), Concess: EuroOf(5_382_000), Regulation: "Reg. (UE) 2021/1952, 2021/1951"},
	{From: "2024-01-01", To: "2025-12-31", Central: EuroOf(143_000), Other: EuroOf(221_000), Works: EuroOf(5_538_000), Concess: EuroOf(5_538_000), Regulation: "Reg. (UE) 2023/2495, 2023/2497"},
	{From: "2026-01-01", To: "", Central: EuroOf(140_000), Other: EuroOf(216_000), Works: EuroOf(5_404_000), Concess: EuroOf(5_404_000), Regulation: "Regolamenti delegati della Commissione del 2025"},
}

// Art. 50 d.lgs. 36/2023: a direct award is for amounts below these.
var (
	directAwardServices = EuroOf(140_000)
	directAwardWorks    = EuroOf(150_000)
)

// centralCategories are the administration categories that are central
// government authorities (Annex I of the directive): their lower threshold
// applies to services and supplies.
var centralCategories = map[string]bool{"ministero": true}

// thresholdOn is the threshold in force on day (YYYY-MM-DD), if known.
func thresholdOn(day string) (Threshold, bool) {
	for _, t := range thresholds {
		if day >= t.From && (t.To == "" || day <= t.To) {
			return t, true
		}
	}
	return Threshold{}, false
}

// EUThreshold is the threshold for a contract of kind (tipo_contratto)
// decided on day by a body of category, if one can be computed.
func EUThreshold(kind, day, category string) (Euro, bool) {
	t, ok := thresholdOn(day)
	if !ok {
		return 0, false
	}
	switch kind {
	case "lavori":
		return t.Works, true
	case "concessione":
		return t.Concess, true
	case "servizi", "forniture":
		if centralCategories[category] {
			return t.Central, true
		}
		return t.Other, true
	}
	return 0, false
}

// Derived is what the server computes from a record's fields, never typed.
type Derived struct {
	// SopraSogliaUE: the amount is at or above the EU threshold; nil when
	// the amount, the date or the kind of contract is missing.
	SopraSogliaUE *bool `json:"sopra_soglia_ue"`
	SogliaUE      *Euro `json:"soglia_ue_eur"`
	// Warnings are field codes (see FieldWarnings) that do not block a save.
	Warnings map[string]string `json:"-"`
}

// referenceAmount is the amount a threshold compares: the base amount
// (the estimated value), else the awarded one.
func (f *Fields) referenceAmount() *Euro {
	if f.ImportoBaseEur != nil {
		return f.ImportoBaseEur
	}
	return f.ImportoAggiudicatoEur
}

// referenceDay is the day that fixes the threshold: the decision to
// contract, else the award.
func (f *Fields) referenceDay() string {
	if f.DataDecisione != "" {
		return f.DataDecisione
	}
	return f.DataAffidamento
}

// Derive computes sopra_soglia_ue and the warnings for fields of a body of
// category. It assumes fields passed Validate (dates well formed).
func Derive(f *Fields, category string) Derived {
	d := Derived{Warnings: map[string]string{}}
	amount, day := f.referenceAmount(), f.referenceDay()
	if amount != nil && day != "" {
		if th, ok := EUThreshold(f.TipoContratto, day, category); ok {
			above := *amount >= th
			d.SopraSogliaUE, d.SogliaUE = &above, &th
		}
	}
	if f.Procedura == "affidamento_diretto" && amount != nil && (f.Normativa == "" || f.Normativa == "dlgs_36_2023") {
		limit := directAwardServices
		if f.TipoContratto == "lavori" {
			limit = directAwardWorks
		}
		if *amount >= limit && f.TipoContratto != "concessione" {
			d.Warnings["procedura"] = warnDirectAward + ":" + limit.whole()
		}
	}
	return d
}

// whole is the amount in whole euro with Italian thousands separators
// (140.000), for messages.
func (e Euro) whole() string {
	str := strconv.FormatInt(int64(e/100), 10)
	var b strings.Builder
	for i, c := range str {
		if i > 0 && (len(str)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}
