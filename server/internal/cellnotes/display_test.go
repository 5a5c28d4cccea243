package cellnotes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/cellnotes"
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
		{"importo_base_eur", `1234.56`, "en", "€1,234.56"},
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
		{"delta_costo_pct", `-12.5`, "en", "-12.5 %"},
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
