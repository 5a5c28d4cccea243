package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/experiences"
)

// ExperienceWriter creates and publishes records (experiences.Service).
type ExperienceWriter interface {
	Create(ctx context.Context, u *account.User, in experiences.NewExperience, lang string) (experiences.Experience, error)
	Publish(ctx context.Context, u *account.User, id string, in experiences.PublishInput, lang string) (experiences.Experience, error)
}

// Experiences seeds published experience records of the demo
// administrations: each one's usual outsourcings (a Comune its school
// meals, an ASL its laundry), across ambiti, models and procedures, with
// amounts on both sides of the EU thresholds, SLA indicators, critical
// factors and lessons learned. Like the other seeders it runs once, on
// the store the demo filled from empty.
func Experiences(w ExperienceWriter) Seeder {
	return func(ctx context.Context, c *Cantiere) error {
		for k, pick := range experiencePlan {
			if pick.adm >= len(c.Administrations) || 2*pick.adm+1 >= len(c.Participants) {
				continue
			}
			adm := c.Administrations[pick.adm]
			author := c.Participants[2*pick.adm+k%2]
			f := demoRecord(k, adm.Name, experienceKinds[pick.kind])
			e, err := w.Create(ctx, author, experiences.NewExperience{Fields: f}, "it")
			if err != nil {
				return fmt.Errorf("demo experience %q: %w", f.Titolo, err)
			}
			if _, err := w.Publish(ctx, author, e.ID, experiences.PublishInput{BaseVersion: e.Version}, "it"); err != nil {
				return fmt.Errorf("publish demo experience %q: %w", f.Titolo, err)
			}
		}
		return nil
	}
}

// experienceKind is what an outsourcing of one ambito usually looks like.
type experienceKind struct {
	ambito, titolo, attivita, modello, contratto, procedura, criterio, cpv, fornitore string
	baseEur                                                                           int64 // a typical base amount
	mesi                                                                              int
	obiettivi                                                                         []string
	indicatori                                                                        []experiences.Indicatore
	lezione                                                                           string
}

func ind(nome, unita string, soglia, valore float64) experiences.Indicatore {
	return experiences.Indicatore{Nome: nome, Unita: unita, Soglia: &soglia, Valore: &valore}
}

var experienceKinds = []experienceKind{
	{ambito: "servizi_ict", titolo: "Gestione del sistema informativo e assistenza agli utenti", attivita: "strumentale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "aperta", criterio: "oepv", cpv: "72500000-0", fornitore: "rti_consorzio", baseEur: 480_000, mesi: 36,
		obiettivi:  []string{"accesso_competenze", "qualita_servizio", "innovazione"},
		indicatori: []experiences.Indicatore{ind("Disponibilità dei sistemi", "%", 99.5, 99.7), ind("Tempo di presa in carico dei ticket", "ore", 4, 3.2), ind("Ticket risolti al primo contatto", "%", 70, 64)},
		lezione: "Il capitolato a **livelli di servizio** ha funzionato meglio del vecchio canone a giornate: paghiamo i risultati, non le presenze.\n\n" +
			"Da rifare: un periodo di affiancamento di almeno tre mesi e la proprietà del codice sorgente scritta nel contratto."},
	{ambito: "paghe_personale", titolo: "Elaborazione delle paghe e adempimenti contributivi", attivita: "strumentale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "mepa", criterio: "minor_prezzo", cpv: "79631000-6", fornitore: "impresa", baseEur: 95_000, mesi: 36,
		obiettivi:  []string{"riduzione_costi", "vincoli_personale"},
		indicatori: []experiences.Indicatore{ind("Cedolini senza errori", "%", 99, 99.4), ind("Invio F24 entro la scadenza", "%", 100, 100)},
		lezione: "Il servizio costa meno del costo pieno interno, ma **la conoscenza delle regole contrattuali resta a noi**: senza un referente interno gli errori arrivano a fine anno.\n\n" +
			"Utile la riunione mensile di verifica con il fornitore."},
	{ambito: "tributi_riscossione", titolo: "Riscossione coattiva delle entrate comunali", attivita: "finale", modello: "concessione",
		contratto: "concessione", procedura: "aperta", criterio: "oepv", cpv: "79940000-5", fornitore: "impresa", baseEur: 1_900_000, mesi: 60,
		obiettivi:  []string{"accesso_competenze", "flessibilita_costi"},
		indicatori: []experiences.Indicatore{ind("Tasso di riscossione sul carico affidato", "%", 35, 41), ind("Reclami dei contribuenti evasi entro 30 giorni", "%", 95, 91)},
		lezione: "L'aggio a percentuale allinea gli interessi, ma va accompagnato da **controlli sulle procedure esecutive**: il fornitore tende a lavorare solo le posizioni più facili.\n\n" +
			"Chiedere i dati in formato aperto a ogni rendicontazione."},
	{ambito: "facility_manutenzione", titolo: "Global service di manutenzione degli immobili", attivita: "strumentale", modello: "global_service",
		contratto: "servizi", procedura: "ristretta", criterio: "oepv", cpv: "50700000-2", fornitore: "rti_consorzio", baseEur: 2_600_000, mesi: 48,
		obiettivi:  []string{"focalizzazione_core", "qualita_servizio"},
		indicatori: []experiences.Indicatore{ind("Interventi urgenti entro 4 ore", "%", 95, 93), ind("Manutenzioni programmate eseguite", "%", 98, 99)},
		lezione: "Un'**anagrafica degli immobili aggiornata** prima della gara è la condizione di tutto: noi l'abbiamo fatta a contratto avviato e i primi sei mesi sono stati di varianti.\n\n" +
			"Il sistema informativo del fornitore deve esportare i dati verso il nostro."},
	{ambito: "pulizie", titolo: "Pulizia e sanificazione delle sedi", attivita: "strumentale", modello: "convenzione_centrale_committenza",
		contratto: "servizi", procedura: "adesione_convenzione_accordo_quadro", criterio: "non_applicabile", cpv: "90910000-9", fornitore: "impresa", baseEur: 640_000, mesi: 36,
		obiettivi:  []string{"riduzione_costi", "focalizzazione_core"},
		indicatori: []experiences.Indicatore{ind("Controlli a campione conformi", "%", 90, 94), ind("Tempo di intervento su chiamata", "ore", 4, 3)},
		lezione: "Aderire alla convenzione ha ridotto i tempi di affidamento da mesi a settimane; il prezzo è buono, **ma il capitolato non si adatta**: le sedi piccole restano servite male.\n\n" +
			"Nominare un DEC per sede ha reso i controlli effettivi."},
	{ambito: "ristorazione", titolo: "Refezione scolastica con pasti a legame fresco-caldo", attivita: "finale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "aperta", criterio: "oepv", cpv: "55524000-9", fornitore: "impresa", baseEur: 3_200_000, mesi: 48,
		obiettivi:  []string{"qualita_servizio", "vincoli_personale"},
		indicatori: []experiences.Indicatore{ind("Pasti consegnati in orario", "%", 98, 97.5), ind("Gradimento delle famiglie", "punti su 100", 75, 81), ind("Prodotti biologici", "%", 30, 42)},
		lezione: "La **commissione mensa dei genitori** è stata il miglior controllo di qualità che avessimo: va coinvolta già nella scrittura del capitolato.\n\n" +
			"Prevedere la revisione prezzi: con l'inflazione del 2022 il fornitore ha chiesto il riequilibrio."},
	{ambito: "servizi_sociali", titolo: "Assistenza domiciliare agli anziani non autosufficienti", attivita: "finale", modello: "terzo_settore",
		contratto: "servizi", procedura: "negoziata_con_bando", criterio: "oepv", cpv: "85311000-2", fornitore: "cooperativa_sociale", baseEur: 760_000, mesi: 36,
		obiettivi:  []string{"qualita_servizio", "flessibilita_costi", "vincoli_personale"},
		indicatori: []experiences.Indicatore{ind("Ore di assistenza erogate su programmate", "%", 95, 97), ind("Continuità dell'operatore per utente", "%", 80, 76)},
		lezione: "La **clausola sociale** ha garantito la continuità degli operatori, che per gli anziani conta più di ogni altro indicatore.\n\n" +
			"Il costo orario a base di gara deve rispettare il contratto collettivo: un ribasso eccessivo si paga in turnover."},
	{ambito: "servizi_educativi_infanzia", titolo: "Gestione di un asilo nido comunale", attivita: "finale", modello: "concessione",
		contratto: "concessione", procedura: "aperta", criterio: "oepv", cpv: "80110000-8", fornitore: "cooperativa_sociale", baseEur: 1_350_000, mesi: 60,
		obiettivi:  []string{"qualita_servizio", "vincoli_personale"},
		indicatori: []experiences.Indicatore{ind("Posti occupati", "%", 90, 96), ind("Rapporto educatori/bambini rispettato", "%", 100, 100)},
		lezione: "Il **coordinamento pedagogico resta comunale**: è la scelta che ha tenuto insieme la rete dei nidi a gestione diretta e in concessione.\n\n" +
			"Le rette restano fissate dal Comune; il concessionario ha chiesto più flessibilità negli orari."},
	{ambito: "igiene_urbana_rifiuti", titolo: "Raccolta differenziata porta a porta", attivita: "finale", modello: "in_house",
		contratto: "servizi", procedura: "nessuna_gara", criterio: "non_applicabile", cpv: "90511000-2", fornitore: "societa_in_house", baseEur: 14_500_000, mesi: 120,
		obiettivi:  []string{"qualita_servizio", "focalizzazione_core"},
		indicatori: []experiences.Indicatore{ind("Raccolta differenziata", "%", 65, 68.5), ind("Segnalazioni risolte entro 48 ore", "%", 90, 86)},
		lezione: "La **relazione motivata** sull'in house ci ha obbligato a confrontare i costi con il mercato: un esercizio da ripetere a ogni rinnovo.\n\n" +
			"Il contratto di servizio con indicatori e penali ha cambiato il rapporto con la società."},
	{ambito: "gestione_documentale_archivi", titolo: "Digitalizzazione e conservazione dell'archivio di deposito", attivita: "strumentale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "mepa", criterio: "minor_prezzo", cpv: "79995100-6", fornitore: "impresa", baseEur: 185_000, mesi: 24,
		obiettivi:  []string{"innovazione", "accesso_competenze"},
		indicatori: []experiences.Indicatore{ind("Pagine digitalizzate al mese", "pagine", 40000, 43500), ind("Scarti al controllo qualità", "%", 2, 1.1)},
		lezione: "Lo **scarto d'archivio prima della digitalizzazione** ha dimezzato il volume da trattare: farlo dopo sarebbe costato il doppio.\n\n" +
			"Verificare che il conservatore sia qualificato presso AgID."},
	{ambito: "contact_center_urp", titolo: "Contact center multicanale per i cittadini", attivita: "finale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "ristretta", criterio: "oepv", cpv: "79512000-6", fornitore: "impresa", baseEur: 720_000, mesi: 36,
		obiettivi:  []string{"qualita_servizio", "flessibilita_costi"},
		indicatori: []experiences.Indicatore{ind("Chiamate risposte entro 60 secondi", "%", 85, 88), ind("Richieste chiuse al primo contatto", "%", 70, 73), ind("Chiamate abbandonate", "%", 8, 6.5)},
		lezione: "La **base di conoscenza resta dell'ente**: l'abbiamo scritto nel contratto e al cambio di fornitore non abbiamo perso nulla.\n\n" +
			"I picchi stagionali (scadenze dei tributi) vanno previsti nel dimensionamento."},
	{ambito: "servizi_culturali", titolo: "Gestione della biblioteca civica e delle attività culturali", attivita: "finale", modello: "terzo_settore",
		contratto: "servizi", procedura: "negoziata_con_bando", criterio: "oepv", cpv: "92511000-6", fornitore: "ente_terzo_settore", baseEur: 310_000, mesi: 36,
		obiettivi:  []string{"qualita_servizio", "flessibilita_costi"},
		indicatori: []experiences.Indicatore{ind("Ore di apertura settimanali", "ore", 40, 44), ind("Prestiti annui", "prestiti", 25000, 27800)},
		lezione: "La **co-progettazione** con l'ente del terzo settore ha portato idee che un capitolato chiuso non avrebbe previsto.\n\n" +
			"Serve però un referente comunale con tempo dedicato, non un ritaglio."},
	{ambito: "servizi_sanitari_non_clinici", titolo: "Lavanolo e sterilizzazione dello strumentario", attivita: "strumentale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "aperta", criterio: "oepv", cpv: "98311000-6", fornitore: "rti_consorzio", baseEur: 5_800_000, mesi: 60,
		obiettivi:  []string{"focalizzazione_core", "riduzione_costi", "qualita_servizio"},
		indicatori: []experiences.Indicatore{ind("Kit sterili consegnati entro i tempi", "%", 99, 99.2), ind("Non conformità rilevate", "per mille", 2, 1.4)},
		lezione: "La **tracciabilità dello strumentario** richiesta in gara ha ridotto le non conformità; va integrata con il sistema della sala operatoria.\n\n" +
			"Il subentro tra fornitori richiede un piano dettagliato: non si può fermare una centrale di sterilizzazione."},
	{ambito: "formazione", titolo: "Formazione del personale sul codice dei contratti pubblici", attivita: "strumentale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "affidamento_diretto", criterio: "non_applicabile", cpv: "80511000-9", fornitore: "impresa", baseEur: 38_000, mesi: 12,
		obiettivi:  []string{"accesso_competenze"},
		indicatori: []experiences.Indicatore{ind("Partecipanti che completano il percorso", "%", 85, 91), ind("Gradimento medio", "punti su 5", 4, 4.3)},
		lezione: "Meglio **casi pratici sulle nostre procedure** che lezioni frontali sul testo della norma.\n\n" +
			"Un affidamento diretto rapido ci ha permesso di formare i RUP prima dell'entrata in vigore del nuovo codice."},
	{ambito: "trasporto_pubblico", titolo: "Trasporto scolastico e accompagnamento", attivita: "finale", modello: "appalto_servizi",
		contratto: "servizi", procedura: "aperta", criterio: "oepv", cpv: "60130000-8", fornitore: "impresa", baseEur: 890_000, mesi: 36,
		obiettivi:  []string{"flessibilita_costi", "vincoli_personale"},
		indicatori: []experiences.Indicatore{ind("Corse in orario", "%", 95, 96.5), ind("Età media dei mezzi", "anni", 8, 6)},
		lezione: "Chiedere **mezzi a basse emissioni** tra i criteri premianti ha rinnovato la flotta senza costi aggiuntivi per noi.\n\n" +
			"I percorsi vanno rivisti ogni anno con le scuole: il contratto deve prevederlo."},
}

// experiencePlan pairs demo administrations (the order of ipa-demo.csv)
// with what they outsourced.
var experiencePlan = []struct{ adm, kind int }{
	{0, 0}, {0, 13}, {0, 10}, {0, 9}, // Regione Emilia-Romagna
	{1, 0}, {1, 4}, {1, 10}, // Ministero del Lavoro
	{2, 3}, {2, 4}, {2, 13}, // Provincia di Matera
	{3, 5}, {3, 8}, {3, 6}, {3, 14}, // Comune di Bari
	{4, 7}, {4, 11}, {4, 2}, {4, 5}, // Comune di Firenze
	{5, 0}, {5, 6}, {5, 2}, {5, 10}, // Comune di Milano
	{6, 8}, {6, 14}, {6, 4}, // Comune di Napoli
	{7, 11}, {7, 7}, {7, 1}, // Comune di Torino
	{8, 1}, {8, 9}, // Comunità Montana Amiternina
	{9, 12}, {9, 4}, {9, 5}, // ASL di Pavia
	{10, 0}, {10, 3}, {10, 13}, // Università di Messina
	{11, 1}, {11, 9}, // Camera di Commercio di Frosinone
}

var concludedOutcomes = []string{"concluso_rinnovato", "concluso_nuova_gara", "concluso_rinnovato", "reinternalizzato", "cambio_modello", "concluso_nuova_gara"}

// demoRecord is the k-th demo record: kind's shape, with dates, amounts,
// outcome and scores varied by k so that no two read alike.
func demoRecord(k int, admName string, kind experienceKind) experiences.Fields {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%s", k, admName, kind.ambito)
	seed := h.Sum64()
	pick := func(n int) int { v := int(seed % uint64(n)); seed = seed/uint64(n) + 7919; return v }

	decided := time.Date(2018+k%8, time.Month(1+(k*5)%12), 3+pick(24), 0, 0, 0, 0, time.UTC)
	awarded := decided.AddDate(0, 2+pick(4), pick(20))
	start := awarded.AddDate(0, 1, 0)
	months := kind.mesi
	end := start.AddDate(0, months, -1)
	esito := "in_esecuzione"
	if end.Before(time.Now()) {
		esito = concludedOutcomes[(k+pick(3))%len(concludedOutcomes)]
	}
	// Amounts: the kind's typical base, scaled by the body (±40%), rounded to
	// hundreds; awarded after a discount of 3–25% (none without a tender).
	base := kind.baseEur * int64(70+pick(70)) / 100 / 100 * 100
	discount := int64(3 + pick(23))
	if kind.procedura == "nessuna_gara" || kind.procedura == "adesione_convenzione_accordo_quadro" {
		discount = 0
	}
	awardedCents := experiences.EuroOf(base) * experiences.Euro(100-discount) / 100
	baseEur, awardedEur := experiences.EuroOf(base), awardedCents
	offers := 1 + pick(9)
	if kind.procedura == "nessuna_gara" || kind.procedura == "affidamento_diretto" {
		offers = 1
	}
	internal := experiences.EuroOf(base * int64(85+pick(40)) / 100 / int64(max(1, months/12)))
	staff := pick(12)
	quality := 2 + pick(4)
	delta := float64(int(pick(31))-20) + float64(pick(10))/10
	svolta := pick(3) > 0
	score := float64(60 + pick(35))
	previste := true
	penalty := experiences.EuroOf(int64(pick(6)) * 750)
	social := kind.fornitore == "cooperativa_sociale" || kind.ambito == "pulizie" || kind.ambito == "ristorazione" || pick(2) == 0
	exit := pick(4) > 0
	handover := pick(3) > 0
	destination := []string{"ricollocato_interno", "trasferito_fornitore", "distacco", "nessuno"}[pick(4)]
	if staff == 0 {
		destination = "nessuno"
	}
	normativa := "dlgs_50_2016"
	if decided.Year() >= 2023 && decided.Month() >= 7 || decided.Year() >= 2024 {
		normativa = "dlgs_36_2023"
	}
	if kind.modello == "in_house" {
		normativa = "dlgs_201_2022_spl"
		if decided.Year() < 2023 {
			normativa = "dlgs_50_2016"
		}
	}
	cig := fmt.Sprintf("%010X", h.Sum64()>>24) // 40 bits: ten hex digits
	if kind.procedura == "affidamento_diretto" {
		cig = "Z" + cig[1:]
	}
	factors := map[string]int{}
	for j, name := range []string{"obiettivi_chiari_misurabili", "analisi_make_or_buy", "coinvolgimento_vertici_politici", "definizione_perimetro_processo",
		"sla_e_penali", "competenze_interne_di_controllo", "gestione_personale_e_relazioni_sindacali", "logica_di_partnership",
		"sostituibilita_fornitore", "trasparenza_e_rendicontazione"} {
		factors[name] = 1 + (k+j*3+pick(2))%5
	}
	indicators := make([]experiences.Indicatore, len(kind.indicatori))
	copy(indicators, kind.indicatori)
	ending := map[string]string{
		"in_esecuzione":       "Il contratto è in corso: aggiorneremo la scheda a consuntivo.",
		"concluso_rinnovato":  "A scadenza abbiamo rinnovato con lo stesso fornitore, rivedendo gli indicatori.",
		"concluso_nuova_gara": "A scadenza abbiamo bandito una nuova gara, con un capitolato riscritto su questa esperienza.",
		"reinternalizzato":    "A scadenza abbiamo riportato il servizio in casa: i costi di controllo superavano il risparmio.",
		"cambio_modello":      "A scadenza abbiamo cambiato modello gestionale, passando a una forma associata con altri enti.",
	}[esito]
	f := experiences.Fields{
		Titolo:                  kind.titolo + " – " + admName,
		Ambito:                  kind.ambito,
		TipoAttivita:            kind.attivita,
		Grado:                   []string{"totale", "parziale"}[pick(2)],
		DataDecisione:           decided.Format(time.DateOnly),
		DataAffidamento:         awarded.Format(time.DateOnly),
		DataAvvio:               start.Format(time.DateOnly),
		DataFineContratto:       end.Format(time.DateOnly),
		DurataMesi:              &months,
		Esito:                   esito,
		Obiettivi:               kind.obiettivi,
		AnalisiConvenienza:      []string{"costo_pieno", "costo_differenziale", "multicriterio", "benchmark_consip", "nessuna"}[pick(5)],
		CostoInternoAnteEurAnno: &internal,
		Modello:                 kind.modello,
		TipoContratto:           kind.contratto,
		Normativa:               normativa,
		Procedura:               kind.procedura,
		Criterio:                kind.criterio,
		ImportoBaseEur:          &baseEur,
		ImportoAggiudicatoEur:   &awardedEur,
		NOfferte:                &offers,
		CIG:                     cig,
		CPV:                     kind.cpv,
		FornitoreTipo:           kind.fornitore,
		PersonaleCoinvolto:      &staff,
		DestinazionePersonale:   destination,
		ClausolaSociale:         &social,
		StrutturaControllo:      []string{"rup_dec", "ufficio_dedicato", "rup_dec"}[pick(3)],
		Indicatori:              indicators,
		Penali:                  &experiences.Penali{Previste: &previste, ApplicateEur: &penalty},
		Reporting:               []string{"mensile", "trimestrale", "semestrale", "annuale"}[pick(4)],
		CustomerSatisfaction:    &experiences.CustomerSatisfaction{Svolta: &svolta},
		DeltaCostoPct:           &delta,
		ValutazioneQualita:      &quality,
		ClausolaUscita:          &exit,
		PianoSubentro:           &handover,
		ProprietaDatiBeni:       []string{"ente", "ente", "misto", "fornitore"}[pick(4)],
		FattoriCritici:          factors,
		LezioniApprese:          strings.TrimSpace(kind.lezione + "\n\n" + ending),
	}
	if svolta {
		f.CustomerSatisfaction.Punteggio = &score
	}
	return f
}
