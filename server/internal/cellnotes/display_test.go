package cellnotes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/compare"
)

func TestDisplay(t *testing.T) {
	cases := []struct {
		field, raw, lang, want string
	}{
		{"procedura", `"aperta"`, "it", "Procedura aperta"},
		{"procedura", `"aperta"`, "en", "Open procedure"},
		{"procedura", `"sconosciuta"`, "it", "sconosciuta"},
		{"obiettivi", `["riduzione_costi","innovazione"]`, "it", "Riduzione dei costi, Innovazione"},
		{"importo_base_eur", `1234.56`, "it", "1.234,56 €"},
		{"importo_base_eur", `1234.56`, "en", "1.234,56 €"},
		{"importo_base_eur", `250000`, "it", "250.000,00 €"},
		{"importo_base_eur", `-5`, "it", "-5,00 €"},
		{"penali.applicate_eur", `1200`, "it", "1.200,00 €"},
		{"data_avvio", `"2025-07-01"`, "it", "01/07/2025"},
		{"clausola_sociale", `true`, "it", "sì"},
		{"clausola_sociale", `true`, "en", "yes"},
		{"clausola_sociale", `false`, "it", "no"},
		{"durata_mesi", `36`, "it", "36"},
		{"n_offerte", `12000`, "it", "12.000"},
		{"delta_costo_pct", `-12.5`, "it", "-12,5 %"},
		{"delta_costo_pct", `-12.5`, "en", "-12,5 %"},
		{"fattori_critici.sla_e_penali", `4`, "it", "4/5"},
		{"fattori_critici", `{"sla_e_penali":4,"analisi_make_or_buy":3}`, "it", "Analisi make-or-buy: 3/5; SLA e penali: 4/5"},
		{"penali", `{"previste":true,"applicate_eur":1200}`, "it", "previste: sì; applicate: 1.200,00 €"},
		{"customer_satisfaction", `{"svolta":false}`, "en", "carried out: no"},
		{"indicatori", `[{"nome":"Disponibilità","unita":"%","soglia":99.5,"valore":99.8}]`, "it", "Disponibilità: 99,8 % (soglia 99,5 %)"},
		{"atti", `[{"tipo":"capitolato","name":"capitolato.pdf"}]`, "it", "Capitolato: capitolato.pdf"},
		{"titolo", `"Servizi = ICT"`, "it", "Servizi = ICT"},
		{"enti_associati", `["c_h501","c_f205"]`, "it", "c_h501, c_f205"},
		{"sopra_soglia_ue", `true`, "it", "sì"},
		{"lezioni_apprese", `"Serve un **ufficio**\n\n- di controllo"`, "it", "Serve un ufficio di controllo"},
		{"lezioni_apprese", `"` + strings.Repeat("parola ", 100) + `"`, "it", strings.TrimSpace(strings.Repeat("parola ", 40)[:279]) + "…"},
		{"ambito", ``, "it", cellnotes.NotGiven},
		{"ambito", `null`, "it", cellnotes.NotGiven},
		{"obiettivi", `[]`, "it", cellnotes.NotGiven},
	}
	for _, c := range cases {
		if got := cellnotes.Display(c.field, json.RawMessage(c.raw), c.lang); got != c.want {
			t.Errorf("Display(%s, %s, %s) = %q, want %q", c.field, c.raw, c.lang, got, c.want)
		}
	}
}

// TestOneFormatter: a comment's "written about X, now Y" writes amounts,
// numbers and dates as the comparison's cells do (compare.Money, Number,
// Date), in both languages: the board writes 1.234,56 € whatever the
// interface language (as the client's formatEuro does).
func TestOneFormatter(t *testing.T) {
	cases := []struct {
		field, raw string
		want       string // in both languages
		same       string // what the comparison's formatter gives
	}{
		{"importo_base_eur", `1234.56`, "1.234,56 €", compare.Money(123456)},
		{"importo_aggiudicato_eur", `1000000`, "1.000.000,00 €", compare.Money(100000000)},
		{"costo_interno_ante_eur_anno", `0.5`, "0,50 €", compare.Money(50)},
		{"importo_base_eur", `-999.99`, "-999,99 €", compare.Money(-99999)},
		{"penali.applicate_eur", `12`, "12,00 €", compare.Money(1200)},
		{"n_offerte", `1234`, "1.234", compare.Number(1234)},
		{"durata_mesi", `12.5`, "12,5", compare.Number(12.5)},
		{"data_avvio", `"2026-01-31"`, "31/01/2026", compare.Date("2026-01-31")},
	}
	for _, c := range cases {
		if c.same != c.want {
			t.Errorf("the comparison writes %s as %q, want %q", c.raw, c.same, c.want)
		}
		for _, lang := range []string{"it", "en"} {
			if got := cellnotes.Display(c.field, json.RawMessage(c.raw), lang); got != c.want {
				t.Errorf("Display(%s, %s, %s) = %q, want %q", c.field, c.raw, lang, got, c.want)
			}
		}
	}
}
