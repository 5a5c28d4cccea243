// Issue 10, items 6–10 in Chromium: the live comparison table.
// Two administrations publish three experiences; Anna compares them at
// /confronto, saves the comparison as a table, and Bruno opens it too. Anna
// edits a compared record: Bruno's cell changes, highlighted with its old
// value, within a second, without reloading. A comment Bruno wrote on that
// cell survives the edit and says what it was written about. The CSV and
// XLSX exports download and parse (a value from ../shared/corpus that a
// spreadsheet would run is neutralised). Rows are hidden and reordered with
// the keyboard and the choice survives a reload; presence says who looks at
// which row. axe on every page; at 320 px only the table's own region
// scrolls sideways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { api, checkPage, enrolApproved, expectFieldError, expectHeading, expectPath, expectText, field, launch, loginUI, newPage, parseCSV, startBoard, waitFor } from './harness.mjs';

let board;
let browser;
let anna, bruno;
let pa, pb;
const ids = [];
let tablePath;
/** The record Anna edits (column 0) and the value shown before and after. */
let before0, after0;

/** A value of ../shared/corpus/naughty.txt that a spreadsheet would run (it starts with @). */
const FORMULA = '@{[system "touch /tmp/blns.fail"]}';

before(async () => {
  board = await startBoard();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

function fields(title, extra = {}) {
  return {
    titolo: title, ambito: 'pulizie', tipo_attivita: 'strumentale', grado: 'parziale',
    data_decisione: '2025-02-10', data_affidamento: '2025-05-20', data_avvio: '2025-07-01', data_fine_contratto: '2028-06-30',
    esito: 'in_esecuzione', modello: 'appalto_servizi', tipo_contratto: 'servizi', normativa: 'dlgs_36_2023',
    procedura: 'aperta', criterio: 'oepv', importo_base_eur: 250000, importo_aggiudicato_eur: 231450.5,
    cig: 'B0A1C2D3E4', fattori_critici: { sla_e_penali: 4 }, lezioni_apprese: 'Serve un ufficio di controllo.',
    ...extra,
  };
}

/** Creates and publishes a record as the page's user; returns it. */
async function publish(page, f) {
  const c = await api(page, 'POST', '/api/v1/experiences', { fields: f });
  assert.equal(c.status, 201, `create: ${JSON.stringify(c.body)}`);
  const p = await api(page, 'POST', `/api/v1/experiences/${c.body.id}/publish`, { base_version: c.body.version });
  assert.equal(p.status, 200, `publish: ${JSON.stringify(p.body)}`);
  return p.body;
}

/** Focuses the control and presses key (bootstrap-italia draws checkboxes on their label). */
async function press(locator, key) {
  await locator.focus();
  await locator.page().keyboard.press(key);
}

const cell = (page, fieldKey, col) => page.getByTestId(`cell-${fieldKey}-${col}`);
const cellValue = (page, fieldKey, col) => cell(page, fieldKey, col).getByTestId('cell-value').innerText();

async function assertNoSidewaysScroll(page, label) {
  const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(r.scroll <= r.inner, `${label}: the page is ${r.scroll} px wide on a ${r.inner} px screen`);
}

/** The files of a zip (an XLSX), name → text. */
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('the comparison table in the browser', () => {
  it('compares three published records at /confronto and saves them as a table', async () => {
    [anna, bruno] = await Promise.all([
      enrolApproved(browser, board.base, { ipa: `c_cmpa${process.pid % 100}`, adminName: 'Comune di Lucca Est', name: 'Anna Conti', email: 'cmp-anna@tavolo.test' }),
      enrolApproved(browser, board.base, { ipa: `c_cmpb${process.pid % 100}`, adminName: 'Comune di Pisa Ovest', name: 'Bruno Sala', email: 'cmp-bruno@tavolo.test' }),
    ]);
    pa = await newPage(browser, board.base, { viewport: { width: 1280, height: 900 } });
    pb = await newPage(browser, board.base, { viewport: { width: 1280, height: 900 } });
    await loginUI(pa, anna);
    await loginUI(pb, bruno);
    ids.push((await publish(pa, fields('Pulizie delle sedi comunali'))).id);
    ids.push((await publish(pa, fields('Pulizie delle scuole', { procedura: 'ristretta', importo_aggiudicato_eur: 180000 }))).id);
    ids.push((await publish(pb, fields(FORMULA, { criterio: 'minor_prezzo', importo_aggiudicato_eur: 2400000, importo_base_eur: 2500000 }))).id);

    await pa.goto('/confronto?ids=' + ids.join(','));
    await expectHeading(pa, 'Confronto di esperienze');
    const table = pa.getByRole('table');
    await table.waitFor();
    // A real table: a header per column (the field column and one per record), a header per row.
    const cols = await table.locator('thead th[scope="col"]').allInnerTexts();
    assert.equal(cols.length, 4, `columns: ${JSON.stringify(cols)}`);
    assert.ok(cols[1].includes('Pulizie delle sedi comunali') && cols[1].includes('Comune di Lucca Est'), `first column names the record and its administration: ${cols[1]}`);
    assert.ok(cols[3].includes(FORMULA), 'a title is shown as text');
    assert.ok((await table.locator('tbody th[scope="row"]').count()) > 10, 'a row per field');
    assert.ok((await table.locator('tbody th[scope="rowgroup"]').count()) >= 3, 'a header per group');
    assert.ok((await pa.locator('caption').innerText()).includes('Confronto di 3 esperienze'));
    // Only the rows that differ: fewer rows, and procedura (aperta/ristretta) stays.
    const all = await table.locator('tbody th[scope="row"]').count();
    await press(pa.getByLabel('Solo righe diverse'), 'Space');
    const differ = await table.locator('tbody th[scope="row"]').count();
    assert.ok(differ < all && differ > 0, `only rows that differ: ${differ} of ${all}`);
    await cell(pa, 'procedura', ids[0]).waitFor();
    await press(pa.getByLabel('Solo righe diverse'), 'Space');
    // The amount row has a scale with a text equivalent.
    assert.match(await cell(pa, 'importo_aggiudicato_eur', ids[2]).innerText(), /100% tra il valore più basso e il più alto/);
    await checkPage(pa, 'ad-hoc comparison');

    await field(pa, 'Nome del tavolo').fill('Pulizie a confronto');
    await field(pa, 'Descrizione').fill('Sedi, scuole e un appalto grande.');
    await pa.getByRole('button', { name: 'Salva il tavolo' }).click();
    await expectPath(pa, /^\/tavoli\/[A-Za-z0-9_-]{22,}$/);
    tablePath = new URL(pa.url()).pathname;
    await expectHeading(pa, 'Pulizie a confronto');
    await cell(pa, 'procedura', ids[0]).waitFor();
    await checkPage(pa, 'saved table');

    // A comparison needs 2 to 12 records that exist and that the reader may see.
    await pb.goto('/confronto?ids=' + ids[0]);
    await expectText(pb.locator('main'), 'Scegli da 2 a 12 esperienze');
    await pb.goto('/confronto?ids=' + ids[0] + ',AAAAAAAAAAAAAAAAAAAAAA');
    await expectText(pb.locator('main'), 'Una o più delle esperienze scelte non esistono');

    // The list of tables has it.
    await pb.goto('/tavoli');
    await expectHeading(pb, 'Tavoli di confronto');
    await pb.getByRole('link', { name: 'Pulizie a confronto' }).waitFor();
    await checkPage(pb, 'tables list');
  });

  it('shows an edit to the other viewer within a second, highlighted with the old value; a comment keeps the value it was written about', async (t) => {
    // Bruno opens the table; arriving with nothing marked records what he sees (seen).
    const seen = pb.waitForResponse((r) => r.url().endsWith('/seen') && r.request().method() === 'POST');
    await pb.getByRole('link', { name: 'Pulizie a confronto' }).click();
    await expectHeading(pb, 'Pulizie a confronto');
    assert.equal((await seen).status(), 204);
    before0 = await cellValue(pb, 'procedura', ids[0]);

    // Presence: each sees the other, and on which row.
    await expectText(pa.getByTestId('table-presence'), 'Bruno Sala');
    await expectText(pb.getByTestId('table-presence'), 'Anna Conti');
    await cell(pb, 'criterio', ids[1]).hover();
    await expectText(pa.getByTestId('table-presence'), /Bruno Sala — sulla riga Criterio/);
    await expectText(pa.locator('tr[data-field="criterio"]').getByTestId('row-viewers'), 'Bruno Sala');

    // Bruno comments on the cell Anna will change, from the keyboard.
    const marker = cell(pb, 'procedura', ids[0]).getByTestId('comments-button');
    await marker.focus();
    await pb.keyboard.press('Enter');
    const dialog = pb.getByRole('dialog');
    await dialog.waitFor();
    await expectText(dialog, 'Ancora nessun commento');
    // The dialog opens on its close button; the form comes next.
    await pb.keyboard.press('Tab');
    assert.equal(await pb.evaluate(() => document.activeElement?.id), 'cell-comment-body', 'Tab reaches the comment field');
    await pb.keyboard.type('Perché una procedura aperta?');
    await pb.keyboard.press('Tab');
    await pb.keyboard.press('Enter');
    await expectText(dialog.getByTestId('cell-comment'), 'Perché una procedura aperta?');
    await expectText(dialog.getByTestId('comment-value'), `scritto su ${before0}`);
    await checkPage(pb, 'comments dialog');
    await pb.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await marker.evaluate((el) => el === document.activeElement), true, 'the focus goes back to the marker');
    // Anna's marker counts it, live.
    await waitFor(async () => (await cell(pa, 'procedura', ids[0]).getByTestId('comments-button').getAttribute('aria-label'))?.startsWith('1 commento'), {
      message: "Anna's marker shows 1 comment",
    });

    // Anna edits the record: procedura aperta → negoziata senza bando.
    // What Bruno reads: the first row on his screen, and where it is.
    const reading = () =>
      pb.evaluate(() => {
        const th = [...document.querySelectorAll('th[data-anchor]')].find((el) => el.getBoundingClientRect().bottom > 0);
        return th ? { row: th.dataset.anchor, top: Math.round(th.getBoundingClientRect().top) } : null;
      });
    await cell(pb, 'importo_base_eur', ids[0]).scrollIntoViewIfNeeded();
    const readBefore = await reading();
    assert.ok(readBefore, 'a row on screen');
    const rec = await api(pa, 'GET', `/api/v1/experiences/${ids[0]}`);
    const t0 = Date.now();
    const put = await api(pa, 'PUT', `/api/v1/experiences/${ids[0]}`, { base_version: rec.body.version, fields: fields('Pulizie delle sedi comunali', { procedura: 'negoziata_senza_bando' }) });
    assert.equal(put.status, 200, `edit: ${JSON.stringify(put.body)}`);
    await waitFor(async () => (await cellValue(pb, 'procedura', ids[0])) !== before0, { timeout: 3000, interval: 20, message: 'the edited cell changes for Bruno' });
    const took = Date.now() - t0;
    after0 = await cellValue(pb, 'procedura', ids[0]);
    t.diagnostic(`the edit reached the other viewer's cell in ${took} ms`);
    assert.ok(took < 1000, `the change reached the other viewer in ${took} ms (want < 1000)`);
    assert.match((await cell(pb, 'procedura', ids[0]).getAttribute('class')) ?? '', /compare-changed/);
    await expectText(cell(pb, 'procedura', ids[0]).getByTestId('cell-was'), `prima: ${before0}`);
    await expectText(pb.getByTestId('changed-banner'), '1 cella è cambiata');
    // The banner came in above the table; what he reads did not move.
    const readAfter = await pb.evaluate((row) => Math.round(document.querySelector(`th[data-anchor="${row}"]`).getBoundingClientRect().top), readBefore.row);
    assert.ok(Math.abs(readAfter - readBefore.top) <= 1, `the row ${readBefore.row} stays at ${readBefore.top} px (now ${readAfter})`);
    // Not a cell of Anna's own other records.
    assert.doesNotMatch((await cell(pb, 'procedura', ids[1]).getAttribute('class')) ?? '', /compare-changed/);
    await checkPage(pb, 'table with a changed cell');

    // After a reload the mark is still there (computed on the server from Bruno's seen versions).
    await pb.reload();
    await expectText(cell(pb, 'procedura', ids[0]).getByTestId('cell-was'), `prima: ${before0}`);

    // The comment survived the edit and says what it was written about.
    await cell(pb, 'procedura', ids[0]).getByTestId('comments-button').click();
    await expectText(pb.getByRole('dialog').getByTestId('comment-value'), `scritto su ${before0}, ora ${after0}`);
    await pb.keyboard.press('Escape');

    // "Segna come visto" clears the marks.
    await pb.getByRole('button', { name: 'Segna come visto' }).click();
    await pb.getByTestId('changed-banner').waitFor({ state: 'detached' });
    assert.doesNotMatch((await cell(pb, 'procedura', ids[0]).getAttribute('class')) ?? '', /compare-changed/);
  });

  it('a column removed or added by the owner, and a message in the room beside the table, reach the other viewer live', async () => {
    const id = tablePath.split('/').pop();
    const columns = (page) => page.locator('thead th[scope="col"][data-column]').evaluateAll((els) => els.map((e) => e.dataset.column));
    const patch = async (experiences) => {
      const t = await api(pa, 'GET', `/api/v1/tables/${id}`);
      const r = await api(pa, 'PATCH', `/api/v1/tables/${id}`, { base_version: t.body.version, experiences });
      assert.equal(r.status, 200, `patch: ${JSON.stringify(r.body)}`);
    };
    // Anna, the owner, removes the third column from its header; Bruno has no such button.
    assert.equal(await pb.getByRole('button', { name: /dal tavolo$/ }).count(), 0, 'only who may edit the table removes columns');
    await pa.getByRole('button', { name: `Rimuovi ${FORMULA} dal tavolo` }).click();
    await expectText(pa.getByTestId('live-announcer'), 'è stata rimossa dal tavolo');
    await waitFor(async () => (await columns(pb)).join() === ids.slice(0, 2).join(), { timeout: 2000, message: 'the column goes for Bruno' });
    await expectText(pb.getByTestId('live-announcer'), 'Le colonne del tavolo sono cambiate');
    await patch(ids);
    await waitFor(async () => (await columns(pb)).join() === ids.join(), { timeout: 2000, message: 'the column comes back for Bruno' });
    await waitFor(async () => (await columns(pa)).join() === ids.join(), { message: 'and for Anna' });

    // The room beside the table: Anna writes, Bruno reads it there.
    const room = (page) => page.getByTestId('table-room');
    await room(pa).getByRole('textbox', { name: /^Scrivi un messaggio/ }).fill('Guardate la procedura della prima colonna');
    await room(pa).getByRole('button', { name: 'Invia', exact: true }).click();
    await expectText(room(pb), 'Guardate la procedura della prima colonna');
    await room(pb).getByRole('link', { name: 'Apri la stanza a pagina intera' }).waitFor();
  });

  it('exports CSV and XLSX with Italian labels, the versions and the comments; a formula is neutralised', async () => {
    const [csvDl] = await Promise.all([pb.waitForEvent('download'), pb.getByTestId('export-csv').click()]);
    const csv = parseCSV(readFileSync(await csvDl.path(), 'utf8').replace(/^\uFEFF/, ''));
    const cells = csv.flat();
    assert.ok(cells.includes('Procedura'), 'an Italian row label');
    assert.ok(cells.some((c) => c.includes('Pulizie delle sedi comunali')), 'the columns are named');
    assert.ok(cells.some((c) => c.includes('Perché una procedura aperta?')), 'the comment is exported');
    assert.ok(cells.includes(after0), 'the value after the edit');
    const formula = cells.filter((c) => c.includes('touch /tmp/blns.fail'));
    assert.ok(formula.length > 0, 'the corpus value is there');
    for (const c of formula) assert.ok(!/^[=+\-@\t\r]/.test(c), `neutralised: ${c}`);
    // Rows are [group, field, a value per column].
    const amount = csv.find((r) => r[1]?.startsWith('Importo aggiudicato'));
    assert.ok(amount, 'the amount row');
    assert.deepEqual(amount.slice(2).map(Number), [231450.5, 180000, 2400000], `amounts are numbers: ${JSON.stringify(amount)}`);
    const versions = csv.find((r) => r[1] === 'Versione della scheda');
    assert.deepEqual(versions?.slice(2), ['3', '2', '2'], 'the header names the version of each record (the edited one is at 3)');

    const [xDl] = await Promise.all([pb.waitForEvent('download'), pb.getByTestId('export-xlsx').click()]);
    const files = unzip(readFileSync(await xDl.path()));
    const sheets = Object.keys(files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    assert.ok(sheets.length >= 2, `two sheets (comparison, comments): ${sheets}`);
    const text = Object.values(files).join('\n');
    assert.ok(text.includes('Procedura'), 'Italian labels in the workbook');
    assert.ok(text.includes('Perché una procedura aperta?'), 'the comments in the workbook');
    assert.ok(!text.includes('>@{[system'), 'the formula-like text is not written as it is');
    assert.match(text, /(&#39;|&apos;|')@\{\[system/, 'it is written neutralised');
  });

  it('hides and reorders rows from the keyboard; the choice is kept; the owner saves the shared order', async () => {
    const rowOrder = (page) => page.locator('tbody[data-group="affidamento"] tr[data-field]').evaluateAll((els) => els.map((e) => e.dataset.field));
    const start = await rowOrder(pb);
    assert.ok(start.indexOf('procedura') >= 0 && start.indexOf('criterio') === start.indexOf('procedura') + 1, `procedura then criterio: ${start}`);
    const toggle = pb.getByRole('button', { name: /^Righe: mostra, nascondi, riordina/ });
    await toggle.focus();
    await pb.keyboard.press('Enter');
    await pb.getByRole('button', { name: 'Sposta giù la riga Procedura' }).focus();
    await pb.keyboard.press('Enter');
    await expectText(pb.getByTestId('live-announcer'), 'Riga Procedura: posizione');
    await waitFor(async () => {
      const o = await rowOrder(pb);
      return o.indexOf('criterio') + 1 === o.indexOf('procedura');
    }, { message: 'procedura moved below criterio' });
    await pb.getByRole('checkbox', { name: 'Mostra la riga CIG' }).focus();
    await pb.keyboard.press('Space');
    await pb.locator('tr[data-field="cig"]').waitFor({ state: 'detached' });
    await checkPage(pb, 'rows panel');
    // Saved: after a reload the order and the hidden row hold.
    await waitFor(async () => {
      const r = await api(pb, 'GET', `/api/v1/tables/${tablePath.split('/').pop()}/prefs`);
      return r.body.hidden.includes('cig') && r.body.order.indexOf('procedura') > r.body.order.indexOf('criterio');
    }, { message: 'the preferences are stored' });
    await pb.reload();
    await cell(pb, 'procedura', ids[0]).waitFor();
    const after = await rowOrder(pb);
    assert.ok(after.indexOf('criterio') < after.indexOf('procedura'), `the order survives a reload: ${after}`);
    assert.equal(await pb.locator('tr[data-field="cig"]').count(), 0, 'the hidden row stays hidden');
    // Anna's table is unchanged (the order is Bruno's own).
    const annas = await rowOrder(pa);
    assert.ok(annas.indexOf('procedura') < annas.indexOf('criterio'), `Anna keeps the shared order: ${annas}`);
    // Bruno may not set the shared order; Anna, the owner, may.
    await pb.getByRole('button', { name: /^Righe: mostra, nascondi, riordina/ }).click();
    assert.equal(await pb.getByRole('button', { name: 'Salva come ordine condiviso' }).count(), 0);
    await pa.getByRole('button', { name: /^Righe: mostra, nascondi, riordina/ }).click();
    await pa.getByRole('button', { name: 'Sposta su la riga Criterio' }).click();
    await pa.getByRole('button', { name: 'Salva come ordine condiviso' }).click();
    await expectText(pa.getByTestId('live-announcer'), 'Ordine condiviso salvato');
  });

  it('keyboard only: the table region, a comment marker, the dialog and back', async () => {
    const page = await newPage(browser, board.base, { viewport: { width: 1280, height: 900 } });
    await loginUI(page, bruno);
    await page.goto(tablePath);
    await cell(page, 'procedura', ids[0]).waitFor();
    // Tab from the page's start reaches the scrolling region, then the first comment marker in it.
    await page.locator('main').focus();
    let reached = null;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (document.activeElement?.getAttribute('data-testid') === 'compare-scroll' ? 'region' : null));
    }
    assert.equal(reached, 'region', 'the table region takes the focus (it scrolls)');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Tabella di confronto (scorre in orizzontale)');
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'comments-button')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'comments-button', 'a comment marker after the column links');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'comments-button');
    await page.context().close();
  });

  for (const width of [320, 375]) {
    it(`fits a ${width} px phone: only the table's region scrolls sideways`, async () => {
      const page = await newPage(browser, board.base, { viewport: { width, height: 720 }, isMobile: true, hasTouch: true });
      await loginUI(page, anna);
      await page.goto(tablePath);
      await cell(page, 'procedura', ids[0]).waitFor();
      await assertNoSidewaysScroll(page, `table at ${width}`);
      const region = page.getByRole('region', { name: 'Tabella di confronto (scorre in orizzontale)' });
      const r = await region.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth, tab: el.tabIndex }));
      assert.ok(r.sw > r.cw, 'the table scrolls inside its region');
      assert.equal(r.tab, 0, 'the region is focusable');
      await checkPage(page, `table at ${width}`);
      await page.goto('/confronto?ids=' + ids.join(','));
      await cell(page, 'procedura', ids[0]).waitFor();
      await assertNoSidewaysScroll(page, `ad-hoc at ${width}`);
      await page.goto('/tavoli');
      await page.getByTestId('tables-list').waitFor();
      await assertNoSidewaysScroll(page, `list at ${width}`);
      await checkPage(page, `list at ${width}`);
      await page.context().close();
    });
  }

  it('the owner adds a column and renames the table from the keyboard; the other viewer sees both live; others have no such buttons', async (t) => {
    const id = tablePath.split('/').pop();
    const columns = (page) => page.locator('thead th[scope="col"][data-column]').evaluateAll((els) => els.map((e) => e.dataset.column));
    const focused = (page) => page.evaluate(() => ({ id: document.activeElement?.id ?? '', type: document.activeElement?.getAttribute('type') ?? '', inDialog: !!document.activeElement?.closest('dialog') }));
    for (const p of [pa, pb]) {
      await p.goto(tablePath);
      await cell(p, 'procedura', ids[0]).waitFor();
    }
    assert.deepEqual(await columns(pb), ids, 'the three columns');
    // Bruno, not the owner, has neither button.
    assert.equal(await pb.getByRole('button', { name: 'Aggiungi esperienza' }).count(), 0, 'only who may edit the table adds columns');
    assert.equal(await pb.getByRole('button', { name: 'Modifica nome e descrizione' }).count(), 0, 'only who may edit the table renames it');
    const extra = await publish(pb, fields('Mense delle scuole del circondario'));

    // Anna opens the dialog from the keyboard: the focus is in its search field.
    const add = pa.getByRole('button', { name: 'Aggiungi esperienza' });
    await add.focus();
    await pa.keyboard.press('Enter');
    const dialog = pa.getByRole('dialog', { name: 'Aggiungi un’esperienza al tavolo' });
    await dialog.waitFor();
    await waitFor(async () => {
      const f = await focused(pa);
      return f.inDialog && f.type === 'text';
    }, { message: 'the focus goes to the search field' });
    await dialog.getByRole('radio', { name: /Mense delle scuole del circondario — Comune di Pisa Ovest/ }).waitFor();
    // The records already in the table are not offered.
    for (const title of ['Pulizie delle sedi comunali', 'Pulizie delle scuole']) {
      assert.equal(await dialog.getByRole('radio', { name: new RegExp('^' + title + ' —') }).count(), 0, `${title} is already in the table`);
    }
    // Escape closes it and gives the focus back to its button.
    await pa.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await add.evaluate((el) => el === document.activeElement), true, 'the focus goes back to "Aggiungi esperienza"');

    await pa.keyboard.press('Enter');
    await dialog.waitFor();
    await waitFor(async () => (await focused(pa)).inDialog, { message: 'the focus goes into the dialog again' });
    await pa.keyboard.type('MENSE circondario');
    await expectText(dialog.getByTestId('add-column-count'), '1 esperienza.');
    await checkPage(pa, 'add column dialog');
    await pa.keyboard.press('Tab');
    assert.equal((await focused(pa)).type, 'radio', 'Tab reaches the list');
    await pa.keyboard.press('Space');
    assert.equal(await dialog.getByRole('radio', { name: /Mense delle scuole del circondario/ }).isChecked(), true);
    await pa.keyboard.press('Tab');
    const t0 = Date.now();
    await pa.keyboard.press('Enter');
    await waitFor(async () => (await columns(pb)).join() === [...ids, extra.id].join(), { timeout: 3000, interval: 20, message: 'the new column reaches Bruno' });
    const took = Date.now() - t0;
    t.diagnostic(`the added column reached the other viewer in ${took} ms`);
    assert.ok(took < 1000, `the new column reached the other viewer in ${took} ms (want < 1000)`);
    await dialog.waitFor({ state: 'hidden' });
    await expectText(pa.getByTestId('live-announcer'), 'Mense delle scuole del circondario è stata aggiunta al tavolo');
    await waitFor(async () => (await columns(pa)).join() === [...ids, extra.id].join(), { message: 'and for Anna' });
    assert.equal(await add.evaluate((el) => el === document.activeElement), true, 'the focus is back on "Aggiungi esperienza"');
    const tb = await api(pa, 'GET', `/api/v1/tables/${id}`);
    assert.deepEqual(tb.body.experiences, [...ids, extra.id], 'stored');

    // Rename: the dialog opens on the name; an empty name is refused next to the field.
    const edit = pa.getByRole('button', { name: 'Modifica nome e descrizione' });
    await edit.focus();
    await pa.keyboard.press('Enter');
    const ed = pa.getByRole('dialog', { name: 'Nome e descrizione del tavolo' });
    await ed.waitFor();
    await waitFor(async () => (await focused(pa)).id === 'f-name', { message: 'the focus goes to the name' });
    assert.equal(await field(ed, 'Nome del tavolo').inputValue(), 'Pulizie a confronto');
    await checkPage(pa, 'edit table dialog');
    await pa.keyboard.press('Control+A');
    await pa.keyboard.press('Delete');
    await pa.keyboard.press('Enter');
    await expectFieldError(ed, 'Nome del tavolo', 'Scrivi il nome del tavolo');
    // The server's field errors land next to their field too.
    const refuse = (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'validation_failed', message: 'Dati non validi.', fields: { description: 'Contiene caratteri di controllo.' }, details: [{ field: 'description', code: 'nocontrol', message: 'Contiene caratteri di controllo.' }] } }),
          })
        : route.continue();
    await pa.route(`**/api/v1/tables/${id}`, refuse);
    await field(ed, 'Nome del tavolo').focus();
    await pa.keyboard.type('Pulizie e mense a confronto');
    await pa.keyboard.press('Enter');
    await expectFieldError(ed, 'Descrizione', 'Contiene caratteri di controllo.');
    await pa.unroute(`**/api/v1/tables/${id}`, refuse);
    await field(ed, 'Descrizione').focus();
    await pa.keyboard.press('Control+A');
    await pa.keyboard.type('Sedi, scuole, mense.');
    await pa.keyboard.press('Tab');
    assert.equal(await pa.evaluate(() => document.activeElement?.getAttribute('type')), 'submit', 'Tab reaches the save button');
    await pa.keyboard.press('Enter');
    await ed.waitFor({ state: 'hidden' });
    assert.equal(await edit.evaluate((el) => el === document.activeElement), true, 'the focus goes back to "Modifica nome e descrizione"');
    await expectText(pa.getByTestId('live-announcer'), 'Nome e descrizione del tavolo salvati');
    await expectHeading(pa, 'Pulizie e mense a confronto');
    // Bruno sees the new name and description without reloading.
    await expectHeading(pb, 'Pulizie e mense a confronto', { timeout: 2000 });
    await expectText(pb.locator('.compare-description'), 'Sedi, scuole, mense.', { timeout: 2000 });

    // Escape leaves the edit dialog without saving.
    await pa.keyboard.press('Enter');
    await ed.waitFor();
    await field(ed, 'Nome del tavolo').fill('Da non salvare');
    await pa.keyboard.press('Escape');
    await ed.waitFor({ state: 'hidden' });
    assert.equal(await edit.evaluate((el) => el === document.activeElement), true, 'Escape gives the focus back');
    assert.equal((await api(pa, 'GET', `/api/v1/tables/${id}`)).body.name, 'Pulizie e mense a confronto');
  });

  it('a change made meanwhile (409): adding a column tries again on the version now; renaming says so, keeps what was typed, saves on the next try', async () => {
    const id = tablePath.split('/').pop();
    const columns = (page) => page.locator('thead th[scope="col"][data-column]').evaluateAll((els) => els.map((e) => e.dataset.column));
    await pa.goto(tablePath);
    await cell(pa, 'procedura', ids[0]).waitFor();
    const start = (await api(pa, 'GET', `/api/v1/tables/${id}`)).body;
    const extra = await publish(pb, fields('Mense aziendali della provincia'));
    // Anna in another browser changes the table while her PATCH from this page is held:
    // the server then answers that PATCH 409 (its base version is stale).
    const other = await newPage(browser, board.base);
    await loginUI(other, anna);
    await other.goto('/tavoli');
    const changes = [];
    const holdFirstPatch = (change) => {
      let held = false;
      return async (route) => {
        if (route.request().method() !== 'PATCH' || held) return route.continue();
        held = true;
        const cur = (await api(other, 'GET', `/api/v1/tables/${id}`)).body;
        const r = await api(other, 'PATCH', `/api/v1/tables/${id}`, { base_version: cur.version, ...change });
        assert.equal(r.status, 200, `the change meanwhile: ${JSON.stringify(r.body)}`);
        const res = await route.fetch();
        changes.push(res.status());
        await route.fulfill({ response: res });
      };
    };

    // Adding a column: the 409 is absorbed, the column added on the version now, the other change kept.
    let hold = holdFirstPatch({ description: 'Cambiata nel frattempo.' });
    await pa.route(`**/api/v1/tables/${id}`, hold);
    const add = pa.getByRole('button', { name: 'Aggiungi esperienza' });
    await add.focus();
    await pa.keyboard.press('Enter');
    const dialog = pa.getByRole('dialog', { name: 'Aggiungi un’esperienza al tavolo' });
    await dialog.waitFor();
    await waitFor(async () => (await pa.evaluate(() => !!document.activeElement?.closest('dialog'))), { message: 'the focus is in the dialog' });
    await pa.keyboard.type('Mense aziendali della provincia');
    await expectText(dialog.getByTestId('add-column-count'), '1 esperienza.');
    await pa.keyboard.press('Tab');
    await pa.keyboard.press('Space');
    await pa.keyboard.press('Tab');
    await pa.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expectText(pa.getByTestId('live-announcer'), 'Mense aziendali della provincia è stata aggiunta al tavolo');
    await pa.unroute(`**/api/v1/tables/${id}`, hold);
    assert.deepEqual(changes, [409], 'the held PATCH was refused as stale');
    await waitFor(async () => (await columns(pa)).join() === [...start.experiences, extra.id].join(), { message: 'the column is added' });
    let tb = (await api(pa, 'GET', `/api/v1/tables/${id}`)).body;
    assert.deepEqual([tb.experiences, tb.description], [[...start.experiences, extra.id], 'Cambiata nel frattempo.'], 'both changes stored');
    await expectText(pa.locator('.compare-description'), 'Cambiata nel frattempo.');

    // Renaming: the 409 is said in the dialog, which keeps the name typed; saving again works.
    changes.length = 0;
    hold = holdFirstPatch({ name: 'Rinominato altrove' });
    await pa.route(`**/api/v1/tables/${id}`, hold);
    const edit = pa.getByRole('button', { name: 'Modifica nome e descrizione' });
    await edit.focus();
    await pa.keyboard.press('Enter');
    const ed = pa.getByRole('dialog', { name: 'Nome e descrizione del tavolo' });
    await ed.waitFor();
    await waitFor(async () => (await pa.evaluate(() => document.activeElement?.id)) === 'f-name', { message: 'the focus goes to the name' });
    await pa.keyboard.press('Control+A');
    await pa.keyboard.type('Pulizie e mense: il confronto');
    await pa.keyboard.press('Enter');
    await expectText(ed, 'Qualcuno ha modificato il tavolo nel frattempo: controlla i campi e salva di nuovo.');
    assert.deepEqual(changes, [409], 'the held PATCH was refused as stale');
    assert.equal(await field(ed, 'Nome del tavolo').inputValue(), 'Pulizie e mense: il confronto', 'what was typed stays');
    await checkPage(pa, 'edit table dialog after a conflict');
    await expectHeading(pa, 'Rinominato altrove'); // the page shows the table as it is now
    await field(ed, 'Nome del tavolo').focus();
    await pa.keyboard.press('Enter');
    await ed.waitFor({ state: 'hidden' });
    await expectText(pa.getByTestId('live-announcer'), 'Nome e descrizione del tavolo salvati');
    await expectHeading(pa, 'Pulizie e mense: il confronto');
    await pa.unroute(`**/api/v1/tables/${id}`, hold);
    tb = (await api(pa, 'GET', `/api/v1/tables/${id}`)).body;
    assert.equal(tb.name, 'Pulizie e mense: il confronto');

    // The table as the next test expects it: the column added here removed, the name back.
    const r = await api(pa, 'PATCH', `/api/v1/tables/${id}`, { base_version: tb.version, experiences: start.experiences, name: start.name, description: start.description });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await other.context().close();
  });

  it('at 320 px the dialogs fit; at 12 columns adding is refused with a message', async () => {
    const id = tablePath.split('/').pop();
    const page = await newPage(browser, board.base, { viewport: { width: 320, height: 720 }, isMobile: true, hasTouch: true });
    await loginUI(page, anna);
    await page.goto(tablePath);
    await cell(page, 'procedura', ids[0]).waitFor();
    await assertNoSidewaysScroll(page, 'table with the edit buttons at 320');
    for (const [button, name] of [['Aggiungi esperienza', 'Aggiungi un’esperienza al tavolo'], ['Modifica nome e descrizione', 'Nome e descrizione del tavolo']]) {
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('dialog', { name }).waitFor();
      await assertNoSidewaysScroll(page, `${button} at 320`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name }).waitFor({ state: 'hidden' });
    }
    // Twelve records: the button says why it does nothing.
    const more = [];
    for (let i = 0; i < 8; i++) more.push((await publish(pa, fields(`Servizio numero ${i + 1}`))).id);
    const tb = await api(pa, 'GET', `/api/v1/tables/${id}`);
    const twelve = [...tb.body.experiences, ...more];
    assert.equal(twelve.length, 12);
    const r = await api(pa, 'PATCH', `/api/v1/tables/${id}`, { base_version: tb.body.version, experiences: twelve });
    assert.equal(r.status, 200, `patch: ${JSON.stringify(r.body)}`);
    const add = page.getByRole('button', { name: 'Aggiungi esperienza' });
    await waitFor(async () => (await add.getAttribute('aria-disabled')) === 'true', { message: 'the button is disabled at 12 columns' });
    await expectText(page.getByTestId('add-column-full'), 'Il tavolo ha già 12 esperienze');
    assert.equal(await add.getAttribute('aria-describedby'), 'compare-add-full');
    // Still focusable (aria-disabled), so its message is read; Enter opens nothing.
    await add.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('dialog').count(), 0, 'no dialog at 12 columns');
    await assertNoSidewaysScroll(page, 'twelve columns at 320');
    await page.context().close();
  });
});
