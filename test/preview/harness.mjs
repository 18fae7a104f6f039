// What the preview scenarios share: opening the panel in a fresh page (with a log of console
// warnings, errors and CSP violations), sending host messages, waiting for the redraw, layout checks
// and screenshots.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(ROOT, 'test-results');
export const WIDTHS = [600, 900, 1280, 1600];

/** Opens the panel (or the detail view) in a fresh page and collects warnings, errors and CSP violations. */
export async function openPanel(browser, origin, { theme = 'dark', width = 1280, height = 900, mode = 'panel' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const log = { warnings: [], errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'warning') log.warnings.push(m.text());
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(`${origin}/panel.html?theme=${theme}&mode=${mode}`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  return { page, context, log };
}

/** Posts host messages to the page (typed arrays travel as typed arrays) and waits for the redraw. */
export async function send(page, messages) {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
  await frames(page);
}

/** What the panel posted to the host so far. */
export const posted = (page) => page.evaluate(() => window.__posted);

/** Waits until the panel has drawn (it redraws in the next animation frame). */
export const frames = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Switches the page between Dark Modern and Light Modern, as VS Code does (the body class). */
export async function setTheme(page, theme) {
  await page.evaluate((t) => {
    const [from, to] = t === 'light' ? ['vscode-dark', 'vscode-light'] : ['vscode-light', 'vscode-dark'];
    document.body.classList.replace(from, to);
  }, theme);
  await frames(page);
  await frames(page);
}

/** Moves the mouse away and drops focus, so screenshots show no hover or focus ring. */
export async function calm(page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());
}

/** Sections and figures that must not overlap (the header is sticky and may). */
const BOXES = [
  '#graph',
  '#stepper',
  '#layer-detail',
  '#loss-figure',
  '#accuracy-figure',
  '#gradient-figure',
  '#update-ratio-figure',
  '#activation-histograms',
  '#weight-histograms',
  '#filter-grid',
  '#feature-maps',
  '#gradcheck',
  '#experiment',
];

/** Fails when graph nodes or sections overlap, something is cut off, or the page scrolls sideways. */
export async function checkLayout(page, label) {
  const problems = await page.evaluate((selectors) => {
    const out = [];
    const rect = (e) => e.getBoundingClientRect();
    const overlap = (a, b) =>
      a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const nodes = [...document.querySelectorAll('#graph .graph-node')].map((e) => [e, rect(e)]);
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++)
        if (overlap(nodes[i][1], nodes[j][1])) out.push(`graph nodes ${i} and ${j} overlap`);
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const [e] of nodes) if (rect(e).right > doc.clientWidth) out.push(`node ${e.textContent} is cut off`);
    const boxes = selectors
      .map((s) => [s, document.querySelector(s)])
      .filter(([, e]) => e && e.getClientRects().length > 0)
      .map(([s, e]) => [s, rect(e)]);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        if (overlap(boxes[i][1], boxes[j][1])) out.push(`${boxes[i][0]} overlaps ${boxes[j][0]}`);
    for (const c of document.querySelectorAll('main canvas')) {
      if (c.getClientRects().length === 0 || c.closest('.table-scroll, .init-scroll')) continue;
      const r = rect(c);
      if (r.right > doc.clientWidth + 0.5) out.push(`a canvas in ${c.closest('section')?.id} is cut off`);
    }
    return out;
  }, BOXES);
  assert.deepEqual(problems, [], `${label}: ${problems.join('; ')}`);
}

/** Checks the layout at every width of WIDTHS, then returns to `width`. */
export async function checkWidths(page, label, width = 1280) {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w, height: 900 });
    await frames(page);
    await frames(page);
    await checkLayout(page, `${label} ${w}`);
  }
  await page.setViewportSize({ width, height: 900 });
  await frames(page);
  await frames(page);
}

/** Saves a full-page screenshot, or one of `selector`'s element, as test-results/preview-NAME.png. */
export async function shot(page, name, selector) {
  const file = path.join(RESULTS, `preview-${name}.png`);
  // From the top of the page, where the sticky header covers nothing; an element is cut out of the
  // full page (scrolling it into view would put it under the header).
  await page.evaluate(() => window.scrollTo(0, 0));
  await frames(page);
  const clip = selector
    ? await page.$eval(selector, (e) => {
        const r = e.getBoundingClientRect();
        return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
      })
    : undefined;
  await page.screenshot({ path: file, fullPage: true, ...(clip ? { clip } : {}) });
  console.log(`preview: wrote ${path.relative(ROOT, file)}`);
}

/** Asserts that the page logged no errors and violated no CSP. */
export async function assertClean(page, log) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(log.errors, [], 'no console errors');
}
