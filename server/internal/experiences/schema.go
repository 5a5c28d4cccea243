package experiences

import "slices"

// Option is one value of a closed list: stored as Value (snake_case
// Italian), shown as IT or EN.
type Option struct {
	Value string `json:"value"`
	IT    string `json:"it"`
	EN    string `json:"en"`
}

// List is a closed list of options, named as the field that uses it.
type List struct {
	Name    string   `json:"name"`
	Options []Option `json:"options"`
}

// Has reports whether v is one of the list's values.
func (l List) Has(v string) bool {
	return slices.ContainsFunc(l.Options, func(o Option) bool { return o.Value == v })
}

// Values are the list's stored values, in order.
func (l List) Values() []string {
	out := make([]string, len(l.Options))
	for i, o := range l.Options {
		out[i] = o.Value
	}
	return out
}

func list(name string, opts ...Option) List { return List{Name: name, Options: opts} }

func o(v, it, en string) Option { return Option{Value: v, IT: it, EN: en} }

// The closed lists of DOMAIN.md: the one table the validation, the schema
// endpoint (the client's forms and labels) and the filters read.
var (
	listAmbito = list("ambito",
		o("servizi_ict", "Servizi ICT", "ICT services"),
		o("paghe_personale", "Paghe e gestione del personale", "Payroll and HR administration"),
		o("tributi_riscossione", "Tributi e riscossione", "Taxes and collection"),
		o("facility_manutenzione", "Facility management e manutenzione", "Facility management and maintenance"),
		o("pulizie", "Pulizie", "Cleaning"),
		o("ristorazione", "Ristorazione", "Catering"),
		o("servizi_sociali", "Servizi sociali", "Social services"),
		o("servizi_educativi_infanzia", "Servizi educativi per l'infanzia", "Early childhood education"),
		o("igiene_urbana_rifiuti", "Igiene urbana e rifiuti", "Waste management"),
		o("servizio_idrico", "Servizio idrico", "Water services"),
		o("trasporto_pubblico", "Trasporto pubblico", "Public transport"),
		o("gestione_documentale_archivi", "Gestione documentale e archivi", "Records management and archives"),
		o("contact_center_urp", "Contact center e URP", "Contact centre and public relations office"),
		o("servizi_culturali", "Servizi culturali", "Cultural services"),
		o("servizi_sanitari_non_clinici", "Servizi sanitari non clinici", "Non-clinical health services"),
		o("formazione", "Formazione", "Training"),
		o("altro", "Altro", "Other"))
	listTipoAttivita = list("tipo_attivita",
		o("strumentale", "Strumentale (back office)", "Support (back office)"),
		o("finale", "Finale (servizio ai cittadini)", "Front line (service to citizens)"))
	listGrado = list("grado",
		o("totale", "Totale", "Full"),
		o("parziale", "Parziale", "Partial"))
	listEsito = list("esito",
		o("in_esecuzione", "In esecuzione", "Under way"),
		o("concluso_rinnovato", "Concluso e rinnovato", "Completed and renewed"),
		o("concluso_nuova_gara", "Concluso con nuova gara", "Completed, re-tendered"),
		o("reinternalizzato", "Reinternalizzato", "Brought back in house"),
		o("cambio_modello", "Cambio di modello", "Change of model"))
	listObiettivi = list("obiettivi",
		o("riduzione_costi", "Riduzione dei costi", "Cost reduction"),
		o("flessibilita_costi", "Flessibilità dei costi", "Cost flexibility"),
		o("qualita_servizio", "Qualità del servizio", "Service quality"),
		o("accesso_competenze", "Accesso a competenze", "Access to skills"),
		o("focalizzazione_core", "Focalizzazione sulle attività core", "Focus on core activities"),
		o("innovazione", "Innovazione", "Innovation"),
		o("vincoli_personale", "Vincoli sul personale", "Staffing constraints"))
	listAnalisiConvenienza = list("analisi_convenienza",
		o("costo_pieno", "Costo pieno", "Full cost"),
		o("costo_differenziale", "Costo differenziale", "Differential cost"),
		o("multicriterio", "Analisi multicriterio", "Multi-criteria analysis"),
		o("benchmark_consip", "Benchmark CONSIP", "CONSIP benchmark"),
		o("nessuna", "Nessuna", "None"))
	listModello = list("modello",
		o("appalto_servizi", "Appalto di servizi", "Service contract"),
		o("global_service", "Global service", "Global service"),
		o("concessione", "Concessione", "Concession"),
		o("in_house", "Affidamento in house", "In-house award"),
		o("societa_mista", "Società mista", "Mixed company"),
		o("ppp_contrattuale", "PPP contrattuale", "Contractual PPP"),
		o("accordo_tra_pa", "Accordo tra pubbliche amministrazioni", "Agreement between administrations"),
		o("convenzione_enti_locali", "Convenzione tra enti locali", "Agreement between local authorities"),
		o("ente_strumentale", "Ente strumentale", "Instrumental body"),
		o("terzo_settore", "Terzo settore", "Third sector"),
		o("convenzione_centrale_committenza", "Convenzione di centrale di committenza", "Central purchasing body framework"),
		o("privatizzazione", "Privatizzazione", "Privatisation"))
	// listTipoContratto is not in DOMAIN.md's table: the EU thresholds
	// and the art. 50 limits depend on it, so the record says it.
	listTipoContratto = list("tipo_contratto",
		o("servizi", "Servizi", "Services"),
		o("forniture", "Forniture", "Supplies"),
		o("lavori", "Lavori", "Works"),
		o("concessione", "Concessione", "Concession"))
	listNormativa = list("normativa",
		o("ante_2006", "Prima del 2006", "Before 2006"),
		o("dlgs_163_2006", "D.lgs. 163/2006", "Legislative decree 163/2006"),
		o("dlgs_50_2016", "D.lgs. 50/2016", "Legislative decree 50/2016"),
		o("dlgs_36_2023", "D.lgs. 36/2023", "Legislative decree 36/2023"),
		o("dlgs_201_2022_spl", "D.lgs. 201/2022 (servizi pubblici locali)", "Legislative decree 201/2022 (local public services)"))
	listProcedura = list("procedura",
		o("aperta", "Procedura aperta", "Open procedure"),
		o("ristretta", "Procedura ristretta", "Restricted procedure"),
		o("negoziata_con_bando", "Negoziata con bando", "Negotiated with prior publication"),
		o("competitiva_con_negoziazione", "Competitiva con negoziazione", "Competitive with negotiation"),
		o("negoziata_senza_bando", "Negoziata senza bando", "Negotiated without prior publication"),
		o("dialogo_competitivo", "Dialogo competitivo", "Competitive dialogue"),
		o("partenariato_innovazione", "Partenariato per l'innovazione", "Innovation partnership"),
		o("affidamento_diretto", "Affidamento diretto", "Direct award"),
		o("cottimo_fiduciario", "Cottimo fiduciario", "Fiduciary piecework"),
		o("mepa", "MePA", "MePA (e-marketplace)"),
		o("adesione_convenzione_accordo_quadro", "Adesione a convenzione o accordo quadro", "Joining a framework agreement"),
		o("finanza_di_progetto", "Finanza di progetto", "Project financing"),
		o("nessuna_gara", "Nessuna gara", "No tender"))
	listCriterio = list("criterio",
		o("oepv", "Offerta economicamente più vantaggiosa", "Most economically advantageous tender"),
		o("minor_prezzo", "Minor prezzo", "Lowest price"),
		o("non_applicabile", "Non applicabile", "Not applicable"))
	listFornitoreTipo = list("fornitore_tipo",
		o("impresa", "Impresa", "Company"),
		o("rti_consorzio", "RTI o consorzio", "Temporary grouping or consortium"),
		o("cooperativa_sociale", "Cooperativa sociale", "Social cooperative"),
		o("societa_in_house", "Società in house", "In-house company"),
		o("societa_mista", "Società mista", "Mixed company"),
		o("altra_pa", "Altra pubblica amministrazione", "Another administration"),
		o("ente_terzo_settore", "Ente del terzo settore", "Third-sector body"))
	listDestinazionePersonale = list("destinazione_personale",
		o("ricollocato_interno", "Ricollocato all'interno", "Redeployed internally"),
		o("trasferito_fornitore", "Trasferito al fornitore", "Transferred to the supplier"),
		o("distacco", "Distacco", "Secondment"),
		o("nessuno", "Nessuno", "None"))
	listStrutturaControllo = list("struttura_controllo",
		o("rup_dec", "RUP e DEC", "Project manager and contract supervisor"),
		o("ufficio_dedicato", "Ufficio dedicato", "Dedicated office"),
		o("nessuna", "Nessuna", "None"))
	listReporting = list("reporting",
		o("mensile", "Mensile", "Monthly"),
		o("trimestrale", "Trimestrale", "Quarterly"),
		o("semestrale", "Semestrale", "Half-yearly"),
		o("annuale", "Annuale", "Yearly"),
		o("assente", "Assente", "None"))
	listProprieta = list("proprieta_dati_beni",
		o("ente", "Ente", "Administration"),
		o("fornitore", "Fornitore", "Supplier"),
		o("misto", "Misto", "Mixed"))
	listFattoriCritici = list("fattori_critici",
		o("obiettivi_chiari_misurabili", "Obiettivi chiari e misurabili", "Clear, measurable objectives"),
		o("analisi_make_or_buy", "Analisi make-or-buy", "Make-or-buy analysis"),
		o("coinvolgimento_vertici_politici", "Coinvolgimento dei vertici politici", "Political leadership involvement"),
		o("definizione_perimetro_processo", "Definizione del perimetro del processo", "Process scope definition"),
		o("sla_e_penali", "SLA e penali", "SLAs and penalties"),
		o("competenze_interne_di_controllo", "Competenze interne di controllo", "In-house control skills"),
		o("gestione_personale_e_relazioni_sindacali", "Gestione del personale e relazioni sindacali", "Staff management and union relations"),
		o("logica_di_partnership", "Logica di partnership", "Partnership approach"),
		o("sostituibilita_fornitore", "Sostituibilità del fornitore", "Supplier replaceability"),
		o("trasparenza_e_rendicontazione", "Trasparenza e rendicontazione", "Transparency and reporting"))
	listTipoAtto = list("tipo_atto",
		o("determina_a_contrarre", "Determina a contrarre", "Decision to contract"),
		o("bando_disciplinare", "Bando e disciplinare", "Call for tender and rules"),
		o("capitolato", "Capitolato", "Specifications"),
		o("schema_contratto", "Schema di contratto", "Draft contract"),
		o("sla_carta_servizi", "SLA e carta dei servizi", "SLAs and service charter"),
		o("relazione_motivata_in_house", "Relazione motivata (in house)", "Reasoned report (in-house)"),
		o("contratto_di_servizio", "Contratto di servizio", "Service contract"),
		o("convenzione", "Convenzione", "Agreement"))
	listStato = list("stato",
		o(StatusDraft, "Bozza", "Draft"),
		o(StatusPublished, "Pubblicata", "Published"),
		o(StatusUpdated, "Aggiornata", "Updated"))
)

// Lists are every closed list, in the order of DOMAIN.md's groups.
var Lists = []List{listAmbito, listTipoAttivita, listGrado, listEsito, listObiettivi, listAnalisiConvenienza,
	listModello, listTipoContratto, listNormativa, listProcedura, listCriterio, listFornitoreTipo,
	listDestinazionePersonale, listStrutturaControllo, listReporting, listProprieta, listFattoriCritici,
	listTipoAtto, listStato}

// FieldLabel names a field of the record in both languages, with its group
// (DOMAIN.md) and the closed list it takes values from, if any.
type FieldLabel struct {
	Field string `json:"field"`
	Group string `json:"group"`
	IT    string `json:"it"`
	EN    string `json:"en"`
	List  string `json:"list,omitempty"`
}

func fl(field, group, it, en, l string) FieldLabel {
	return FieldLabel{Field: field, Group: group, IT: it, EN: en, List: l}
}

// FieldLabels are the record's fields in form order.
var FieldLabels = []FieldLabel{
	fl("titolo", "identita", "Titolo", "Title", ""),
	fl("enti_associati", "identita", "Enti associati (codici IPA)", "Partner bodies (IPA codes)", ""),
	fl("ambito", "identita", "Ambito", "Service area", "ambito"),
	fl("tipo_attivita", "identita", "Tipo di attività", "Kind of activity", "tipo_attivita"),
	fl("grado", "identita", "Grado di esternalizzazione", "Extent of outsourcing", "grado"),
	fl("data_decisione", "identita", "Data della decisione", "Decision date", ""),
	fl("data_affidamento", "identita", "Data dell'affidamento", "Award date", ""),
	fl("data_avvio", "identita", "Data di avvio", "Start date", ""),
	fl("data_fine_contratto", "identita", "Fine del contratto", "Contract end", ""),
	fl("durata_mesi", "identita", "Durata (mesi)", "Duration (months)", ""),
	fl("esito", "identita", "Esito", "Outcome", "esito"),
	fl("obiettivi", "strategia", "Obiettivi", "Objectives", "obiettivi"),
	fl("analisi_convenienza", "strategia", "Analisi di convenienza", "Value-for-money analysis", "analisi_convenienza"),
	fl("costo_interno_ante_eur_anno", "strategia", "Costo interno ante (€/anno)", "In-house cost before (€/year)", ""),
	fl("modello", "modello", "Modello gestionale", "Management model", "modello"),
	fl("tipo_contratto", "affidamento", "Tipo di contratto", "Kind of contract", "tipo_contratto"),
	fl("normativa", "affidamento", "Normativa", "Law", "normativa"),
	fl("procedura", "affidamento", "Procedura", "Procedure", "procedura"),
	fl("criterio", "affidamento", "Criterio di aggiudicazione", "Award criterion", "criterio"),
	fl("importo_base_eur", "affidamento", "Importo a base di gara (€)", "Base amount (€)", ""),
	fl("importo_aggiudicato_eur", "affidamento", "Importo aggiudicato (€)", "Awarded amount (€)", ""),
	fl("n_offerte", "affidamento", "Numero di offerte", "Number of bids", ""),
	fl("cig", "affidamento", "CIG", "CIG (tender id)", ""),
	fl("cpv", "affidamento", "CPV", "CPV code", ""),
	fl("fornitore_tipo", "affidamento", "Tipo di fornitore", "Kind of supplier", "fornitore_tipo"),
	fl("personale_coinvolto", "riorganizzazione", "Personale coinvolto", "Staff involved", ""),
	fl("destinazione_personale", "riorganizzazione", "Destinazione del personale", "Where the staff went", "destinazione_personale"),
	fl("clausola_sociale", "riorganizzazione", "Clausola sociale", "Social clause", ""),
	fl("struttura_controllo", "riorganizzazione", "Struttura di controllo", "Control structure", "struttura_controllo"),
	fl("indicatori", "monitoraggio", "Indicatori (SLA)", "Indicators (SLAs)", ""),
	fl("penali", "monitoraggio", "Penali", "Penalties", ""),
	fl("reporting", "monitoraggio", "Reportistica", "Reporting", "reporting"),
	fl("customer_satisfaction", "monitoraggio", "Customer satisfaction", "Customer satisfaction", ""),
	fl("delta_costo_pct", "monitoraggio", "Variazione di costo (%)", "Cost change (%)", ""),
	fl("valutazione_qualita", "monitoraggio", "Valutazione della qualità (1–5)", "Quality rating (1–5)", ""),
	fl("clausola_uscita", "reversibilita", "Clausola di uscita", "Exit clause", ""),
	fl("piano_subentro", "reversibilita", "Piano di subentro", "Handover plan", ""),
	fl("proprieta_dati_beni", "reversibilita", "Proprietà di dati e beni", "Ownership of data and assets", "proprieta_dati_beni"),
	fl("fattori_critici", "fattori_critici", "Fattori critici (1–5)", "Critical factors (1–5)", "fattori_critici"),
	fl("lezioni_apprese", "narrativa", "Lezioni apprese", "Lessons learned", ""),
	fl("atti", "documenti", "Atti", "Documents", "tipo_atto"),
}

// Schema is what GET /experiences/schema serves: every closed list with its
// labels, the fields in form order, and the EU thresholds used to compute
// sopra_soglia_ue.
type Schema struct {
	Lists      []List       `json:"lists"`
	Fields     []FieldLabel `json:"fields"`
	Thresholds []Threshold  `json:"thresholds"`
}

// TheSchema is the schema (it never changes while the server runs).
func TheSchema() Schema { return Schema{Lists: Lists, Fields: FieldLabels, Thresholds: thresholds} }
