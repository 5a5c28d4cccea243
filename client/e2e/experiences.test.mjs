// Issue 10, item 10 (the experiences' part): in Chromium, a referente
// writes a record through the form with the keyboard, sees the server's
// error next to a bad CIG, fixes it, publishes; finds it in the list from a
// link's filters; edits it and reads the diff in the history; and when a
// colleague saved meanwhile the form offers the merge, field by field. axe
// on every page and state; phones at 320 and 375 px do not scroll sideways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN,
  api,
  assertNoSidewaysScroll,
  checkPage,
  enrolApproved,
  expectFieldError,
  expectHeading,
  expectPath,
  expectText,
  field,
  launch,
  loginUI,
  newPage,
  startBoard,
  waitFor,
} from './harness.mjs';

let board;
let browser;
let ref; // the referente who writes the record
let page; // their page
let recordId;
const TITLE = 'Refezione scolastica del Comune di Prova';

before(async () => {
  board = await startBoard();
  browser = await launch();
  ref = await enrolApproved(browser, board.base, {
    adminName: 'Comune di Prova Esperienze',
    name: 'Rita Esperti',
    email: 'rita@esperienze.test',
  });
  page = await newPage(browser, board.base);
  await loginUI(page, ref);
});

after(async () => {
  await browser?.close();
  await board?.stop();
});

/** Moves the focus to a control and presses a key on it, as a keyboard user does. */
async function press(locator, key = 'Enter') {
  await locator.focus();
  await locator.press(key);
}

/** Types into a control from the keyboard (after clearing it). */
async function typeInto(locator, text) {
  await locator.focus();
  await locator.press('Control+A');
  await locator.press('Delete');
  await locator.pressSequentially(text);
}

const button = (p, name) => p.getByRole('button', { name, exact: true });

async function step(p, name) {
  await press(p.getByRole('button', { name: new RegExp(`^Passo \\d+ di \\d+: ${name}`) }));
  await p.getByRole('heading', { level: 2, name: new RegExp(name) }).first().waitFor();
}

describe('experiences in the browser', () => {
  it('a draft written with the keyboard: a bad CIG is refused next to its field, fixed, then published', async () => {
    await page.goto('/esperienze');
    await expectHeading(page, 'Esperienze di esternalizzazione');
    await expectText(page.locator('main'), '0 esperienze trovate');
    await checkPage(page, 'empty list');
    await press(page.getByRole('link', { name: 'Nuova esperienza' }));
    await expectHeading(page, 'Nuova esperienza');
    await checkPage(page, 'new record form');

    // Step 1: identity.
    await typeInto(field(page, 'Titolo'), TITLE);
    await field(page, 'Ambito').selectOption('ristorazione');
    await field(page, 'Tipo di attività').selectOption('finale');
    await field(page, 'Esito').selectOption('in_esecuzione');
    await typeInto(field(page, 'Data della decisione'), '10/03/2025');
    await press(button(page, 'Avanti'));
    await page.getByRole('heading', { level: 2, name: /Strategia/ }).waitFor();
    await press(button(page, 'Avanti'));
    await field(page, 'Modello gestionale').selectOption('appalto_servizi');
    await press(button(page, 'Avanti'));
    await page.getByRole('heading', { level: 2, name: /Affidamento/ }).waitFor();

    // Step 4: the award; sopra_soglia_ue follows the amount, never typed.
    await field(page, 'Tipo di contratto').selectOption('servizi');
    await field(page, 'Procedura').selectOption('affidamento_diretto');
    await typeInto(field(page, 'Importo a base di gara (€)'), '250000');
    await press(field(page, 'Importo a base di gara (€)'), 'Tab');
    assert.equal(await field(page, 'Importo a base di gara (€)').inputValue(), '250.000,00', 'the amount is written back the Italian way');
    await expectText(page.getByTestId('sopra-soglia'), 'Sì: l’importo raggiunge la soglia UE di 221.000 €');
    await expectText(page.getByTestId('art50-warning'), 'art. 50 del d.lgs. 36/2023');
    await checkPage(page, 'award step with the computed threshold and the art. 50 warning');
    await field(page, 'Procedura').selectOption('aperta');
    await typeInto(field(page, 'CIG'), 'CIG-SBAGLIATO');
    await press(button(page, 'Salva la bozza'));
    await expectFieldError(page, 'CIG', 'CIG non valido');
    await expectText(page.locator('.error-summary'), 'CIG: CIG non valido');
    await checkPage(page, 'form with a field error');
    assert.equal(new URL(page.url()).pathname, '/esperienze/nuova', 'nothing was stored');

    // Fixed, saved: the draft exists and the form is now its edit form.
    await typeInto(field(page, 'CIG'), 'a1b2c3d4e5');
    await press(button(page, 'Salva la bozza'));
    await expectPath(page, /^\/esperienze\/[A-Za-z0-9_-]{22}\/modifica\?passo=4$/);
    recordId = new URL(page.url()).pathname.split('/')[2];
    await expectText(page.getByRole('status').filter({ hasText: 'Salvato' }), 'Salvato (versione 1)');
    assert.equal(await field(page, 'CIG').inputValue(), 'A1B2C3D4E5', 'the server upper-cases the CIG');
    assert.equal(await page.getByTestId('unsaved').count(), 0, 'nothing left unsaved');
    await typeInto(field(page, 'CPV'), '55524000-9');
    await expectText(page.getByTestId('unsaved'), 'Ci sono modifiche non salvate.');

    // Monitoring: an SLA indicator added and removed, one kept; factors as radios.
    await step(page, 'Monitoraggio');
    await press(button(page, 'Aggiungi un indicatore'));
    await waitFor(() => page.evaluate(() => document.activeElement?.id === 'f-indicatori-0--nome'), { message: 'the new indicator takes the focus' });
    await page.keyboard.type('Pasti consegnati in orario');
    await typeInto(page.getByLabel('Soglia contrattuale'), '98');
    await typeInto(page.getByLabel('Valore misurato'), '97,5');
    await press(button(page, 'Aggiungi un indicatore'));
    await press(button(page, 'Rimuovi l’indicatore 2'));
    assert.equal(await page.getByRole('group', { name: /^Indicatore \d/ }).count(), 1);
    await step(page, 'Fattori critici');
    await press(page.getByRole('group', { name: 'SLA e penali' }).getByLabel('5', { exact: true }), 'Space');
    assert.equal(await page.getByRole('group', { name: 'SLA e penali' }).getByLabel('5', { exact: true }).isChecked(), true);
    await checkPage(page, 'critical factors step');
    await step(page, 'Lezioni apprese');
    await typeInto(field(page, 'Lezioni apprese'), 'La **commissione mensa** dei genitori è stata il miglior controllo.');
    await press(button(page, 'Pubblica'));
    await expectPath(page, `/esperienze/${recordId}`);
    await expectHeading(page, TITLE);
    await expectText(page.getByRole('status').filter({ hasText: 'pubblicata' }), 'Esperienza pubblicata.');
    const main = page.locator('main');
    await expectText(main, '250.000,00 €');
    await expectText(main, '10/03/2025');
    await expectText(main, 'Pasti consegnati in orario: 97,5');
    await expectText(main, 'SLA e penali 5/5');
    await expectText(main, 'Analisi make-or-buy —');
    await expectText(page.getByTestId('sopra-soglia'), 'Sì');
    await page.getByRole('link', { name: 'Discussione nel Tavolo di confronto' }).waitFor();
    await checkPage(page, 'published record page');
  });

  it('documents: uploaded with their type and listed', async () => {
    await page.getByLabel('Tipo di atto').selectOption('capitolato');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'capitolato-mensa.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await press(button(page, 'Allega il documento'));
    await expectText(page.getByTestId('documents'), 'capitolato-mensa.pdf — Capitolato');
    await expectText(page.locator('main'), 'Documento «capitolato-mensa.pdf» allegato.');
    await checkPage(page, 'record page with a document');
  });

  it('the list: filters from a shared link, through the form, back button; the comparison selection', async () => {
    // A second record, so that two can be compared.
    const other = await api(page, 'POST', '/api/v1/experiences', {
      fields: { titolo: 'Pulizia delle scuole', ambito: 'pulizie', tipo_attivita: 'strumentale', modello: 'appalto_servizi', tipo_contratto: 'servizi', procedura: 'mepa', esito: 'concluso_rinnovato', importo_base_eur: 90000 },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const pub = await api(page, 'POST', `/api/v1/experiences/${other.body.id}/publish`, { base_version: 1 });
    assert.equal(pub.status, 200, JSON.stringify(pub.body));

    await page.goto('/esperienze?ambito=ristorazione&importo_min=200000&dal=2025-01-01');
    await expectText(page.locator('main'), '1 esperienza trovata');
    await expectText(page.getByTestId('experience-results'), TITLE);
    const multi = (k) => page.locator(`details[data-filter="${k}"]`);
    await expectText(multi('ambito').locator('summary'), 'Ristorazione');
    assert.ok(await multi('ambito').getByRole('checkbox', { name: 'Ristorazione', includeHidden: true }).isChecked(), 'the form shows the link’s filters');
    assert.equal(await page.getByLabel('Importo minimo (€)').inputValue(), '200.000,00');
    assert.equal(await page.getByLabel('Affidate dal').inputValue(), '01/01/2025');
    await checkPage(page, 'filtered list');

    await page.goto('/esperienze?importo_max=100000');
    await expectText(page.getByTestId('experience-results'), 'Pulizia delle scuole');
    await expectText(page.locator('main'), '1 esperienza trovata');

    // A link with several values of a filter (repeated or a comma list): any of them matches.
    await page.goto('/esperienze?ambito=ristorazione&ambito=pulizie');
    await expectText(page.locator('main'), '2 esperienze trovate');
    await expectText(multi('ambito').locator('summary'), '2 valori selezionati');

    // Through the form, from the keyboard: two values of a filter, then the sort.
    await page.goto('/esperienze');
    await expectText(page.locator('main'), '2 esperienze trovate');
    await press(multi('procedura').locator('summary')); // Enter opens the disclosure
    await press(multi('procedura').getByRole('checkbox', { name: 'Procedura aperta' }), 'Space');
    await expectText(multi('procedura').locator('summary'), 'Procedura aperta');
    await press(button(page, 'Applica i filtri'));
    await expectPath(page, /^\/esperienze\?procedura=aperta$/);
    await expectText(page.locator('main'), '1 esperienza trovata');
    await press(multi('procedura').getByRole('checkbox', { name: 'MePA' }), 'Space');
    await expectText(multi('procedura').locator('summary'), '2 valori selezionati');
    await page.getByLabel('Ordina per').selectOption('-importo');
    await press(button(page, 'Applica i filtri'));
    await expectPath(page, /^\/esperienze\?procedura=aperta,mepa&sort=-importo$/);
    await expectText(page.locator('main'), '2 esperienze trovate');
    await checkPage(page, 'list with two values of a filter');
    await page.goBack();
    await page.goBack();
    await expectPath(page, '/esperienze');
    await expectText(page.locator('main'), '2 esperienze trovate');
    await waitFor(async () => !(await multi('procedura').getByRole('checkbox', { name: 'Procedura aperta', includeHidden: true }).isChecked()), {
      message: 'back brings the form back too',
    });
    await expectText(multi('procedura').locator('summary'), 'Tutti');

    // A bad amount is said next to the field, and nothing is asked.
    await typeInto(page.getByLabel('Importo massimo (€)'), '12,345');
    await press(button(page, 'Applica i filtri'));
    await expectFieldError(page, 'Importo massimo (€)', 'Scrivi un importo come 150.000,00.');
    await typeInto(page.getByLabel('Importo massimo (€)'), '');

    // Two selected: the comparison's link.
    const compare = () => page.locator('main').getByRole('link', { name: 'Confronta', exact: true });
    assert.equal(await compare().count(), 0, 'no link with fewer than 2');
    await press(page.getByLabel(`Seleziona per il confronto: ${TITLE}`), 'Space');
    await expectText(page.locator('main'), '1 esperienza selezionata');
    await press(page.getByLabel('Seleziona per il confronto: Pulizia delle scuole'), 'Space');
    await expectText(page.locator('main'), '2 esperienze selezionate');
    const href = await compare().getAttribute('href');
    assert.ok(href === `/confronto?ids=${recordId},${other.body.id}` || href === `/confronto?ids=${other.body.id},${recordId}`, href);
    await checkPage(page, 'list with a selection');
  });

  it('an edit is a new version: the history shows it and its diff, from → to, by whom', async () => {
    await page.goto(`/esperienze/${recordId}`);
    await press(page.getByRole('link', { name: 'Modifica', exact: true }));
    await expectPath(page, `/esperienze/${recordId}/modifica`);
    await field(page, 'Esito').selectOption('concluso_rinnovato');
    await press(button(page, 'Salva le modifiche'));
    // Versions: 1 the draft, 2 the rest of the form, 3 published, 4 the document, 5 this edit.
    await expectText(page.getByRole('status').filter({ hasText: 'Salvato' }), 'Salvato (versione 5)');
    await press(page.getByRole('link', { name: 'Torna alla scheda' }));
    await expectHeading(page, TITLE);
    const history = page.getByTestId('history');
    await expectText(history, 'Versione 5');
    await expectText(history, 'Versione 4 — Aggiornata — Rita Esperti');
    await press(button(page, 'Mostra le modifiche della versione 5'));
    const diff = history.getByTestId('diff');
    await expectText(diff, 'Modifiche dalla versione 4 alla 5');
    await expectText(diff, 'Esito In esecuzione Concluso e rinnovato Rita Esperti');
    await checkPage(page, 'history with a diff');
    // Any two versions: from the first draft to now.
    await page.getByLabel('Dalla', { exact: true }).selectOption('1');
    await page.getByLabel('Alla', { exact: true }).selectOption('5');
    await press(button(page, 'Mostra le differenze'));
    const range = page.locator('.exp-range').getByTestId('diff');
    await expectText(range, 'Modifiche dalla versione 1 alla 5');
    await expectText(range, 'Atti — capitolato-mensa.pdf (Capitolato)');
    await expectText(range, 'Lezioni apprese —');
    await checkPage(page, 'history with a diff of two versions');
  });

  it('a save over a version changed meanwhile shows the changes and merges field by field', async () => {
    // The referente opens the form...
    await page.goto(`/esperienze/${recordId}/modifica?passo=4`);
    await field(page, 'Procedura').waitFor();
    // ...a moderator saves the same record from another browser...
    const mod = await newPage(browser, board.base);
    await loginUI(mod, ADMIN);
    await mod.goto(`/esperienze/${recordId}/modifica?passo=4`);
    await field(mod, 'Procedura').selectOption('ristretta');
    await typeInto(field(mod, 'Numero di offerte'), '7');
    await press(button(mod, 'Salva le modifiche'));
    await expectText(mod.getByRole('status').filter({ hasText: 'Salvato' }), 'Salvato (versione 6)');
    await mod.context().close();
    // ...then the referente saves their own change of the same field and another.
    await field(page, 'Procedura').selectOption('negoziata_con_bando');
    await typeInto(field(page, 'CPV'), '55520000-1');
    await press(button(page, 'Salva le modifiche'));
    const panel = page.getByTestId('conflict');
    await expectText(panel, 'Qualcuno ha salvato la scheda nel frattempo');
    await expectText(panel, 'ora alla versione 6');
    const proc = panel.getByRole('group', { name: 'Procedura' });
    await expectText(proc, 'Tieni il mio: Negoziata con bando');
    await expectText(proc, 'Prendi l’attuale: Procedura ristretta (modificato da');
    assert.equal(await proc.getByRole('radio', { name: /^Tieni il mio/ }).isChecked(), true, 'both changed it: mine is proposed');
    const offers = panel.getByRole('group', { name: 'Numero di offerte' });
    assert.equal(await offers.getByRole('radio', { name: /^Prendi l’attuale: 7/ }).isChecked(), true, 'only they changed it: theirs is proposed');
    await checkPage(page, 'merge choice');
    await press(proc.getByRole('radio', { name: /^Prendi l’attuale/ }), 'Space');
    await press(button(page, 'Unisci e salva'));
    await expectText(page.getByRole('status').filter({ hasText: 'Salvato' }), 'Salvato (versione 7)');
    assert.equal(await panel.count(), 0, 'the panel is gone');
    const r = await api(page, 'GET', `/api/v1/experiences/${recordId}`);
    assert.deepEqual([r.body.version, r.body.fields.procedura, r.body.fields.n_offerte, r.body.fields.cpv], [7, 'ristretta', 7, '55520000-1']);
  });

  it('the record page updates live when someone else saves: the new value and a notice, the reader’s place and open diff kept', async (t) => {
    await page.goto(`/esperienze/${recordId}`);
    await expectHeading(page, TITLE);
    // The reader opens a diff and reads the history, scrolled down to it.
    await press(button(page, 'Mostra le modifiche della versione 7'));
    await expectText(page.getByTestId('history').getByTestId('diff'), 'Modifiche dalla versione 6 alla 7');
    const heading = page.locator('[data-anchor="history"]');
    await heading.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 40));
    const before = await heading.evaluate((el) => el.getBoundingClientRect().top);
    // A moderator saves a new version from another browser.
    const mod = await newPage(browser, board.base);
    await loginUI(mod, ADMIN);
    const cur = await api(mod, 'GET', `/api/v1/experiences/${recordId}`);
    const lessons = 'Una lezione molto lunga. '.repeat(40);
    const t0 = Date.now();
    const put = await api(mod, 'PUT', `/api/v1/experiences/${recordId}`, {
      base_version: cur.body.version,
      fields: { ...cur.body.fields, n_offerte: 9, lezioni_apprese: lessons },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await expectText(page.getByTestId('record-news'), `Nuova versione ${cur.body.version + 1}, salvata da`, { timeout: 3000 });
    const took = Date.now() - t0;
    t.diagnostic(`the new version reached the record page in ${took} ms`);
    assert.ok(took < 1000, `the new version reached the record page in ${took} ms (want < 1000)`);
    await expectText(page.locator('[data-anchor="f-n_offerte"]'), '9');
    await expectText(page.getByTestId('record-version'), String(cur.body.version + 1));
    // What the reader was doing stays: the open diff, and the history where it was on screen
    // (the longer lessons above it did not push it down).
    await expectText(page.getByTestId('history').getByTestId('diff'), 'Modifiche dalla versione 6 alla 7');
    await waitFor(async () => Math.abs((await heading.evaluate((el) => el.getBoundingClientRect().top)) - before) < 2, { timeout: 3000 });
    await checkPage(page, 'record page updated live');
    await mod.context().close();
  });

  it('in English: labels from the schema, amounts and dates the Italian way', async () => {
    const p = await newPage(browser, board.base, { lang: 'en-GB' });
    await loginUI(p, ref);
    await p.goto(`/esperienze/${recordId}`);
    await expectHeading(p, TITLE);
    await press(p.getByRole('button', { name: 'Switch to English' }));
    const main = p.locator('main');
    await expectText(main, 'Service area Catering');
    await expectText(main, 'Base amount (€) 250.000,00 €');
    await expectText(main, 'Decision date 10/03/2025');
    await expectText(main, 'Above the EU threshold Yes');
    await checkPage(p, 'record page in English');
    await p.goto('/esperienze?procedura=ristretta');
    await expectText(main, '1 experience found');
    await checkPage(p, 'list in English');
    await press(p.getByRole('button', { name: 'Passa all’italiano' }));
    await expectText(main, '1 esperienza trovata');
    await p.context().close();
  });

  it('phones at 320 and 375 px: list, form and record page without sideways scrolling', async () => {
    for (const width of [320, 375]) {
      const p = await newPage(browser, board.base, { viewport: { width, height: 700 }, isMobile: true, hasTouch: true });
      await loginUI(p, ref);
      for (const [path, heading] of [
        ['/esperienze', 'Esperienze di esternalizzazione'],
        [`/esperienze/${recordId}`, TITLE],
        [`/esperienze/${recordId}/modifica?passo=4`, /Modifica/],
        [`/esperienze/${recordId}/modifica?passo=6`, /Modifica/],
        [`/esperienze/${recordId}/modifica?passo=8`, /Modifica/],
      ]) {
        await p.goto(path);
        await expectHeading(p, heading);
        await assertNoSidewaysScroll(p, `${path} at ${width} px`);
      }
      await p.goto(`/esperienze/${recordId}`);
      await press(button(p, 'Mostra le modifiche della versione 5'));
      await p.getByTestId('diff').waitFor();
      await assertNoSidewaysScroll(p, `diff at ${width} px`);
      await checkPage(p, `record page at ${width} px`);
      await p.context().close();
    }
  });
});
