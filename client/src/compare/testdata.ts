// Fixtures shaped like the contract's Comparison (COMPARE-API.md).
import type { Comparison, ComparisonCell, ComparisonRow } from './api'

const cell = (display: string, extra: Partial<ComparisonCell> = {}): ComparisonCell => ({ value: display, display, ...extra })

function row(field: string, group: string, kind: ComparisonRow['kind'], displays: string[], extra: Partial<ComparisonRow> = {}): ComparisonRow {
  return { field, group, label: field, kind, hidden: false, differ: new Set(displays).size > 1, cells: displays.map((d) => cell(d)), ...extra }
}

export function comparison(): Comparison {
  return {
    columns: [
      { id: 'a', titolo: 'Mensa scolastica', administration: { id: 'p1', name: 'Comune di Lucca' }, version: 3, updated_at: '2026-11-02T10:00:00Z', seen_version: 3 },
      { id: 'b', titolo: 'Paghe', administration: { id: 'p2', name: 'Comune di Prato' }, version: 1, updated_at: '2026-11-03T10:00:00Z', seen_version: 1 },
      { id: 'c', titolo: 'Pulizie', administration: { id: 'p3', name: 'ASL Toscana' }, version: 2, updated_at: '2026-11-04T10:00:00Z' },
    ],
    groups: [
      { key: 'modello', label: 'Modello' },
      { key: 'award', label: 'Affidamento' },
      { key: 'monitoring', label: 'Monitoraggio' },
    ],
    rows: [
      row('modello', 'modello', 'list', ['Appalto di servizi', 'Appalto di servizi', 'In house']),
      row('procedura', 'award', 'list', ['Aperta', 'Aperta', 'Aperta']),
      row('criterio', 'award', 'list', ['OEPV', 'Minor prezzo', 'OEPV']),
      row('importo_aggiudicato_eur', 'award', 'money', ['100.000,00 €', '120.000,00 €', '900.000,00 €'], {
        cells: [cell('100.000,00 €', { value: 100000, scale: 0 }), cell('120.000,00 €', { value: 120000, scale: 0.025 }), cell('900.000,00 €', { value: 900000, scale: 1, outlier: true })],
      }),
      row('durata_mesi', 'award', 'number', ['36', '36', '36'], { hidden: true }),
      row('delta_costo_pct', 'monitoring', 'number', ['-5', '3', '0']),
    ],
    seq: 7,
  }
}
