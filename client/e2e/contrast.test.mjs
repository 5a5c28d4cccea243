// Issue 7 item 10: the accessibility check fails on colour contrast that axe
// leaves "incomplete" (it could not tell the background) when the contrast,
// measured in the page, is really too low. No board needed: static pages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, launch, measureContrast } from './harness.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await (await browser.newContext()).newPage();
});

after(async () => {
  await browser?.close();
});

const doc = (body) => `<!doctype html><html lang="it"><head><title>contrasto</title></head><body style="margin:0;background:#fff"><main>${body}</main></body></html>`;

describe('measureContrast', () => {
  it('composites text and translucent backgrounds down to the nearest opaque one', async () => {
    const cases = [
      // the "aggiornata" badge of issue 7: #17334F on #995C00
      { name: 'dark on orange', html: '<div style="background:#995c00"><span id="t" style="color:#17334f">aggiornata</span></div>', want: 2.4, large: false },
      { name: 'white on orange', html: '<div style="background:#995c00"><span id="t" style="color:#fff">aggiornata</span></div>', want: 5.4, large: false },
      { name: 'black on white root', html: '<p id="t" style="color:#000">testo</p>', want: 21, large: false },
      // 50 % black over white is #808080 (3.95:1 against white text)
      { name: 'white on half-transparent black over white', html: '<div style="background:#fff"><span id="t" style="color:#fff;background:rgba(0,0,0,.5)">testo</span></div>', want: 3.95, large: false },
      // the page's own background counts when nothing in between is opaque
      { name: 'translucent text', html: '<div style="background:#000"><span id="t" style="color:rgba(255,255,255,.5)">testo</span></div>', want: 5.3, large: false },
      { name: 'opacity on an ancestor', html: '<div style="background:#000"><div style="opacity:.5"><span id="t" style="color:#fff">testo</span></div></div>', want: 5.3, large: false },
      { name: 'large bold text', html: '<div style="background:#fff"><span id="t" style="color:#777;font-size:19px;font-weight:700">titolo</span></div>', want: 4.48, large: true },
    ];
    for (const c of cases) {
      await page.setContent(doc(c.html));
      const [m] = await page.evaluate(measureContrast, ['#t']);
      assert.ok(m.ratio !== null, `${c.name}: no ratio (${m.why})`);
      assert.ok(Math.abs(m.ratio - c.want) < 0.06, `${c.name}: got ${m.ratio.toFixed(2)}:1 (${m.fg} on ${m.bg}), want ${c.want}:1`);
      assert.equal(m.large, c.large, `${c.name}: large text`);
    }
  });
});

describe('assertAccessible and axe "incomplete" contrast', () => {
  // Text under a transparent overlay (a stretched link, a click-catcher) and
  // text over a pseudo-element: axe cannot tell the background and reports
  // the node as incomplete, not as a violation.
  const layouts = {
    overlay: (fg, bg) =>
      doc(`<div style="position:relative"><span style="color:${fg};background:${bg};padding:4px">aggiornata</span>
        <div aria-hidden="true" style="position:absolute;inset:0;background:rgba(255,255,255,.01)"></div></div>`),
    pseudo: (fg, bg) =>
      doc(`<style>.b{position:relative;color:${fg};background:${bg};padding:4px}.b::before{content:'';position:absolute;inset:0;background:${bg};opacity:.5}</style>
        <span class="b">aggiornata</span>`),
  };
  for (const [name, layout] of Object.entries(layouts)) {
    it(`${name}: fails on an incomplete node whose real contrast is too low`, async () => {
      await page.setContent(layout('#17334f', '#995c00'));
      await assert.rejects(assertAccessible(page, `${name} badge`), (e) => {
        assert.match(e.message, /color-contrast \(incomplete, measured\)/);
        assert.match(e.message, /#17334f on #995c00 = 2\.\d\d:1/);
        return true;
      });
    });

    it(`${name}: passes the same layout with enough contrast`, async () => {
      await page.setContent(layout('#ffffff', '#995c00'));
      await assertAccessible(page, `${name} badge, white text`);
    });
  }
});
