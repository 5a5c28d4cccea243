package experiences_test

import (
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/experiences"
)

var today = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func eur(n int64) *experiences.Euro { e := experiences.EuroOf(n); return &e }
func intp(n int) *int               { return &n }
func fp(x float64) *float64         { return &x }

// complete is a record every rule accepts, even to publish.
func complete() experiences.Fields {
	yes := true
	return experiences.Fields{
		Titolo: "Esternalizzazione del servizio paghe", EntiAssociati: []string{"c_h501"}, Ambito: "paghe_personale",
		TipoAttivita: "strumentale", Grado: "totale", DataDecisione: "2024-03-01", DataAffidamento: "2024-06-15",
		DataAvvio: "2024-09-01", DataFineContratto: "2027-08-31", DurataMesi: intp(36), Esito: "in_esecuzione",
		Obiettivi: []string{"riduzione_costi", "accesso_competenze"}, AnalisiConvenienza: "costo_pieno",
		CostoInternoAnteEurAnno: eur(180_000), Modello: "appalto_servizi", TipoContratto: "servizi", Normativa: "dlgs_50_2016",
		Procedura: "aperta", Criterio: "oepv", ImportoBaseEur: eur(400_000), ImportoAggiudicatoEur: eur(352_000),
		NOfferte: intp(5), CIG: "9A1B2C3D4E", CPV: "79631000-6", FornitoreTipo: "impresa", PersonaleCoinvolto: intp(4),
		DestinazionePersonale: "ricollocato_interno", ClausolaSociale: &yes, StrutturaControllo: "rup_dec",
		Indicatori: []experiences.Indicatore{{Nome: "Cedolini senza errori", Unita: "%", Soglia: fp(99.5), Valore: fp(99.8)}},
		Penali:     &experiences.Penali{Previste: &yes, ApplicateEur: eur(1200)},
		Reporting:  "mensile", CustomerSatisfaction: &experiences.CustomerSatisfaction{Svolta: &yes, Punteggio: fp(82)},
		DeltaCostoPct: fp(-12.5), ValutazioneQualita: intp(4), ClausolaUscita: &yes, PianoSubentro: &yes, ProprietaDatiBeni: "ente",
		FattoriCritici: map[string]int{"sla_e_penali": 5, "analisi_make_or_buy": 3},
		LezioniApprese: "Il **capitolato** va scritto con chi controlla il contratto.\n\n- SLA misurabili",
	}
}

// TestValidate: every rule, one case each, on an otherwise complete record.
func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(f *experiences.Fields)
		publish bool
		want    map[string]string
	}{
		{"complete", func(f *experiences.Fields) {}, true, map[string]string{}},
		{"a draft needs only what it has", func(f *experiences.Fields) { *f = experiences.Fields{Titolo: "Bozza"} }, false, map[string]string{}},
		{"publish needs the comparable fields", func(f *experiences.Fields) { *f = experiences.Fields{Titolo: "Bozza"} }, true,
			map[string]string{"ambito": "required", "tipo_attivita": "required", "modello": "required", "tipo_contratto": "required", "procedura": "required", "esito": "required"}},
		{"title too short", func(f *experiences.Fields) { f.Titolo = "ab" }, false, map[string]string{"titolo": "min:3"}},
		{"title with control", func(f *experiences.Fields) { f.Titolo = "Paghe\x00" }, false, map[string]string{"titolo": "nocontrol"}},
		{"ambito outside the list", func(f *experiences.Fields) { f.Ambito = "giardinaggio" }, false, map[string]string{"ambito": "oneof"}},
		{"ambito operator-like", func(f *experiences.Fields) { f.Ambito = "$ne" }, false, map[string]string{"ambito": "oneof"}},
		{"modello in English", func(f *experiences.Fields) { f.Modello = "Service contract" }, false, map[string]string{"modello": "oneof"}},
		{"procedura", func(f *experiences.Fields) { f.Procedura = "asta" }, false, map[string]string{"procedura": "oneof"}},
		{"esito", func(f *experiences.Fields) { f.Esito = "fallito" }, false, map[string]string{"esito": "oneof"}},
		{"criterio", func(f *experiences.Fields) { f.Criterio = "sorteggio" }, false, map[string]string{"criterio": "oneof"}},
		{"normativa", func(f *experiences.Fields) { f.Normativa = "dlgs_1_2030" }, false, map[string]string{"normativa": "oneof"}},
		{"tipo_contratto", func(f *experiences.Fields) { f.TipoContratto = "noleggio" }, false, map[string]string{"tipo_contratto": "oneof"}},
		{"fornitore_tipo", func(f *experiences.Fields) { f.FornitoreTipo = "x" }, false, map[string]string{"fornitore_tipo": "oneof"}},
		{"reporting", func(f *experiences.Fields) { f.Reporting = "settimanale" }, false, map[string]string{"reporting": "oneof"}},
		{"obiettivo unknown", func(f *experiences.Fields) { f.Obiettivi = []string{"riduzione_costi", "fama"} }, false, map[string]string{"obiettivi[1]": "oneof"}},
		{"obiettivo twice", func(f *experiences.Fields) { f.Obiettivi = []string{"innovazione", "innovazione"} }, false, map[string]string{"obiettivi[1]": "duplicate"}},
		{"malformed date", func(f *experiences.Fields) { f.DataAvvio = "01/09/2024" }, false, map[string]string{"data_avvio": "date"}},
		{"impossible date", func(f *experiences.Fields) { f.DataAvvio = "2024-02-30" }, false, map[string]string{"data_avvio": "date"}},
		{"absurd past date", func(f *experiences.Fields) { f.DataDecisione = "1200-01-01" }, false, map[string]string{"data_decisione": "date_range:2066"}},
		{"absurd future date", func(f *experiences.Fields) { f.DataFineContratto = "2999-01-01" }, false, map[string]string{"data_fine_contratto": "date_range:2066"}},
		{"end before start", func(f *experiences.Fields) { f.DataFineContratto = "2024-08-31" }, false, map[string]string{"data_fine_contratto": "end_before_start"}},
		{"end on the start day", func(f *experiences.Fields) { f.DataFineContratto = f.DataAvvio }, false, map[string]string{"data_fine_contratto": "end_before_start"}},
		{"award before decision", func(f *experiences.Fields) { f.DataAffidamento = "2024-01-01" }, false, map[string]string{"data_affidamento": "award_before_decision"}},
		{"negative amount", func(f *experiences.Fields) { f.ImportoBaseEur = eur(-1) }, false, map[string]string{"importo_base_eur": "negative"}},
		{"absurd amount", func(f *experiences.Fields) { f.ImportoAggiudicatoEur = eur(20_000_000_000) }, false, map[string]string{"importo_aggiudicato_eur": "too_large"}},
		{"negative in-house cost", func(f *experiences.Fields) { f.CostoInternoAnteEurAnno = eur(-5) }, false, map[string]string{"costo_interno_ante_eur_anno": "negative"}},
		{"negative penalties", func(f *experiences.Fields) { f.Penali.ApplicateEur = eur(-5) }, false, map[string]string{"penali.applicate_eur": "negative"}},
		{"awarded above base", func(f *experiences.Fields) { f.ImportoAggiudicatoEur = eur(400_001) }, false, map[string]string{"importo_aggiudicato_eur": "awarded_above_base"}},
		{"awarded equal to base", func(f *experiences.Fields) { f.ImportoAggiudicatoEur = eur(400_000) }, false, map[string]string{}},
		{"awarded alone", func(f *experiences.Fields) { f.ImportoBaseEur = nil; f.ImportoAggiudicatoEur = eur(9_000_000) }, false, map[string]string{}},
		{"CIG too short", func(f *experiences.Fields) { f.CIG = "9A1B2C3D4" }, false, map[string]string{"cig": "cig"}},
		{"CIG too long", func(f *experiences.Fields) { f.CIG = "9A1B2C3D4E5" }, false, map[string]string{"cig": "cig"}},
		{"CIG wrong alphabet", func(f *experiences.Fields) { f.CIG = "9A1B2C3D4G" }, false, map[string]string{"cig": "cig"}},
		{"smart CIG", func(f *experiences.Fields) { f.CIG = "Z0A1B2C3D4" }, false, map[string]string{}},
		{"CIG with a space", func(f *experiences.Fields) { f.CIG = "9A1B 2C3D4" }, false, map[string]string{"cig": "cig"}},
		{"CPV", func(f *experiences.Fields) { f.CPV = "79631000" }, false, map[string]string{"cpv": "cpv"}},
		{"codice IPA", func(f *experiences.Fields) { f.EntiAssociati = []string{"c h501"} }, false, map[string]string{"enti_associati[0]": "codice_ipa"}},
		{"codice IPA twice", func(f *experiences.Fields) { f.EntiAssociati = []string{"c_h501", "C_H501"} }, false, map[string]string{"enti_associati[1]": "duplicate"}},
		{"durata zero", func(f *experiences.Fields) { f.DurataMesi = intp(0) }, false, map[string]string{"durata_mesi": "range:1–600"}},
		{"negative bids", func(f *experiences.Fields) { f.NOfferte = intp(-1) }, false, map[string]string{"n_offerte": "range:0–10000"}},
		{"quality 6", func(f *experiences.Fields) { f.ValutazioneQualita = intp(6) }, false, map[string]string{"valutazione_qualita": "range:1–5"}},
		{"quality 0", func(f *experiences.Fields) { f.ValutazioneQualita = intp(0) }, false, map[string]string{"valutazione_qualita": "range:1–5"}},
		{"cost change below -100%", func(f *experiences.Fields) { f.DeltaCostoPct = fp(-101) }, false, map[string]string{"delta_costo_pct": "range:-100–1000"}},
		{"satisfaction above 100", func(f *experiences.Fields) { f.CustomerSatisfaction.Punteggio = fp(101) }, false, map[string]string{"customer_satisfaction.punteggio": "range:0–100"}},
		{"critical factor 0", func(f *experiences.Fields) { f.FattoriCritici["sla_e_penali"] = 0 }, false, map[string]string{"fattori_critici.sla_e_penali": "range:1–5"}},
		{"critical factor 6", func(f *experiences.Fields) { f.FattoriCritici["sla_e_penali"] = 6 }, false, map[string]string{"fattori_critici.sla_e_penali": "range:1–5"}},
		{"critical factor unknown", func(f *experiences.Fields) { f.FattoriCritici["$where"] = 3 }, false, map[string]string{"fattori_critici": "unknown"}},
		{"indicator without a name", func(f *experiences.Fields) { f.Indicatori = append(f.Indicatori, experiences.Indicatore{Unita: "h"}) }, false, map[string]string{"indicatori[1].nome": "required"}},
		{"too many indicators", func(f *experiences.Fields) {
			for range 31 {
				f.Indicatori = append(f.Indicatori, experiences.Indicatore{Nome: "x"})
			}
		}, false, map[string]string{"indicatori": "too_many:30"}},
		{"lessons with control", func(f *experiences.Fields) { f.LezioniApprese = "riga\x1b[31m" }, false, map[string]string{"lezioni_apprese": "nocontrol"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := complete()
			f.FattoriCritici = maps.Clone(f.FattoriCritici)
			c.edit(&f)
			got := experiences.Validate(&f, c.publish, today)
			if !maps.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestSopraSogliaUE: the threshold of the period the decision falls in,
// by kind of contract and central or other body; equal is above.
func TestSopraSogliaUE(t *testing.T) {
	cases := []struct {
		name     string
		kind     string
		day      string
		category string
		amount   int64
		want     *bool // nil: not computable
		sogliaEU int64
	}{
		{"services 2025, other body, below", "servizi", "2025-12-31", "comune", 215_999, ptr(false), 221_000},
		{"services 2026, other body, same amount above", "servizi", "2026-01-01", "comune", 216_000, ptr(true), 216_000},
		{"services 31/12/2025 other, 220,999", "servizi", "2025-12-31", "regione", 220_999, ptr(false), 221_000},
		{"services 31/12/2025 other, 221,000", "servizi", "2025-12-31", "regione", 221_000, ptr(true), 221_000},
		{"services 01/01/2026 other, 215,999", "servizi", "2026-01-01", "regione", 215_999, ptr(false), 216_000},
		{"supplies 2025 central, 142,999", "forniture", "2025-12-31", "ministero", 142_999, ptr(false), 143_000},
		{"services 2025 central, 143,000", "servizi", "2025-12-31", "ministero", 143_000, ptr(true), 143_000},
		{"services 2026 central, 140,000", "servizi", "2026-01-01", "ministero", 140_000, ptr(true), 140_000},
		{"services 2026 central, 139,999", "servizi", "2026-01-01", "ministero", 139_999, ptr(false), 140_000},
		{"services 2024 first day", "servizi", "2024-01-01", "comune", 221_000, ptr(true), 221_000},
		{"services 2023 last day", "servizi", "2023-12-31", "comune", 216_000, ptr(true), 215_000},
		{"works 2025, 5,537,999", "lavori", "2025-12-31", "comune", 5_537_999, ptr(false), 5_538_000},
		{"works 2025, 5,538,000", "lavori", "2025-12-31", "ministero", 5_538_000, ptr(true), 5_538_000},
		{"works 2026, 5,404,000", "lavori", "2026-01-01", "comune", 5_404_000, ptr(true), 5_404_000},
		{"works 2026, 5,403,999", "lavori", "2026-01-01", "comune", 5_403_999, ptr(false), 5_404_000},
		{"concession 2026", "concessione", "2026-06-30", "comune", 6_000_000, ptr(true), 5_404_000},
		// Every earlier period's three values, on its first and last day.
		{"services 2016 first day, other", "servizi", "2016-01-01", "comune", 209_000, ptr(true), 209_000},
		{"services 2017 last day, central", "servizi", "2017-12-31", "ministero", 134_999, ptr(false), 135_000},
		{"works 2017", "lavori", "2017-06-30", "comune", 5_225_000, ptr(true), 5_225_000},
		{"services 2018 first day, other", "servizi", "2018-01-01", "comune", 220_999, ptr(false), 221_000},
		{"services 2019 last day, central", "servizi", "2019-12-31", "ministero", 144_000, ptr(true), 144_000},
		{"works 2019", "lavori", "2019-06-30", "comune", 5_547_999, ptr(false), 5_548_000},
		{"services 2020 first day, other", "servizi", "2020-01-01", "comune", 214_000, ptr(true), 214_000},
		{"services 2021 last day, central", "servizi", "2021-12-31", "ministero", 138_999, ptr(false), 139_000},
		{"works 2021", "lavori", "2021-06-30", "comune", 5_350_000, ptr(true), 5_350_000},
		{"services 2022 first day, central", "servizi", "2022-01-01", "ministero", 140_000, ptr(true), 140_000},
		{"works 2023", "lavori", "2023-06-30", "comune", 5_381_999, ptr(false), 5_382_000},
		{"before the first period (2015)", "servizi", "2015-12-31", "comune", 1_000_000, nil, 0},
		{"before any known period", "servizi", "2010-05-01", "comune", 1_000_000, nil, 0},
		{"no kind of contract", "", "2025-05-01", "comune", 1_000_000, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := experiences.Fields{Titolo: "Caso", TipoContratto: c.kind, DataDecisione: c.day, ImportoBaseEur: eur(c.amount)}
			d := experiences.Derive(&f, c.category)
			switch {
			case c.want == nil && d.SopraSogliaUE != nil:
				t.Fatalf("got %v, want not computable", *d.SopraSogliaUE)
			case c.want == nil:
			case d.SopraSogliaUE == nil:
				t.Fatalf("got not computable, want %v", *c.want)
			case *d.SopraSogliaUE != *c.want || *d.SogliaUE != experiences.EuroOf(c.sogliaEU):
				t.Fatalf("got %v (threshold %v), want %v (threshold %d)", *d.SopraSogliaUE, *d.SogliaUE, *c.want, c.sogliaEU)
			}
		})
	}
}

func ptr(b bool) *bool { return &b }

// TestDirectAwardWarning: art. 50 d.lgs. 36/2023 limits, flagged not refused.
func TestDirectAwardWarning(t *testing.T) {
	cases := []struct {
		kind, normativa, procedura string
		amount                     int64
		want                       string
	}{
		{"servizi", "dlgs_36_2023", "affidamento_diretto", 139_999, ""},
		{"servizi", "dlgs_36_2023", "affidamento_diretto", 140_000, "direct_award_above_limit:140.000"},
		{"forniture", "", "affidamento_diretto", 200_000, "direct_award_above_limit:140.000"},
		{"lavori", "dlgs_36_2023", "affidamento_diretto", 149_999, ""},
		{"lavori", "dlgs_36_2023", "affidamento_diretto", 150_000, "direct_award_above_limit:150.000"},
		{"servizi", "dlgs_50_2016", "affidamento_diretto", 500_000, ""}, // another law, other limits
		{"servizi", "dlgs_36_2023", "aperta", 5_000_000, ""},
	}
	for _, c := range cases {
		f := experiences.Fields{Titolo: "Caso", TipoContratto: c.kind, Normativa: c.normativa, Procedura: c.procedura,
			ImportoAggiudicatoEur: eur(c.amount), DataAffidamento: "2025-03-01"}
		if got := experiences.Derive(&f, "comune").Warnings["procedura"]; got != c.want {
			t.Errorf("%s %s %s %d: got %q, want %q", c.kind, c.normativa, c.procedura, c.amount, got, c.want)
		}
	}
}

// TestEuroWire: amounts are read exactly, with at most two decimals.
func TestEuroWire(t *testing.T) {
	cases := []struct {
		in   string
		want experiences.Euro
		ok   bool
	}{
		{"0", 0, true}, {"143000", 14_300_000, true}, {"1234.5", 123_450, true}, {"1234.56", 123_456, true},
		{"0.1", 10, true}, {"-3", -300, true}, // negative: read, then refused by Validate with its own code
		{"1234.567", 0, false}, {"1e6", 0, false}, {`"100"`, 0, false}, {"1.", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, c := range cases {
		var e experiences.Euro
		err := json.Unmarshal([]byte(c.in), &e)
		if (err == nil) != c.ok || c.ok && e != c.want {
			t.Errorf("%s: got %d (err %v), want %d ok=%v", c.in, e, err, c.want, c.ok)
		}
	}
	out, _ := json.Marshal(experiences.Euro(123_405))
	if string(out) != "1234.05" {
		t.Errorf("marshal: got %s, want 1234.05", out)
	}
}
