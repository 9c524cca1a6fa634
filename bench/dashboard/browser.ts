// What the dashboard benches time inside Chromium. Times are `performance.now()` in the page, whose
// origin is the navigation start, so they cover the HTML, the scripts, the API calls and drawing.
// An init script (installed before the page's own scripts) records the moment each condition first
// holds, so nothing depends on how often the test process polls.
import type { Browser } from 'playwright-core';

/** The runs table's rows and the compare view's chart canvases (web/src/runs, web/src/compare). */
export const RUN_ROW = '[data-testid="runs-row"]';
export const SERIES_CANVAS = 'canvas[data-series]';

export interface RunsTableTiming {
  /** Navigation start → the first table rows are in the page. */
  rowsMs: number;
  /** Navigation start → a scroll to the middle of the table shows other rows: the table is usable. */
  interactiveMs: number;
}

export interface CompareTiming {
  /** Navigation start → every chart canvas reports all its series drawn. */
  drawnMs: number;
  canvases: number;
}

/** Records in `window.__firstAt[name]` the first time `test()` holds after any DOM change. */
function watchScript(name: string, test: string): string {
  return `(() => {
    const at = (window.__firstAt ??= {});
    const check = () => { if (at[${JSON.stringify(name)}] === undefined && (${test})()) at[${JSON.stringify(name)}] = performance.now(); };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  })();`;
}

async function freshPage(browser: Browser) {
  // A new context per measurement: empty cache, as a first visit.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

function firstAt(name: string): string {
  return `window.__firstAt && window.__firstAt[${JSON.stringify(name)}]`;
}

/**
 * In the page: when the first rows appear, scroll their scrolling container to the middle on the next
 * frame (the earliest a user could), and record when a frame shows other rows.
 */
function runsTableScript(): string {
  return `(() => {
    const at = (window.__firstAt ??= {});
    const first = () => document.querySelector(${JSON.stringify(RUN_ROW)})?.textContent;
    const scroll = () => {
      let box = document.querySelector(${JSON.stringify(RUN_ROW)}).parentElement;
      while (box && !(box.scrollHeight > box.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
      if (!box) { at.error = 'the runs table has no scrolling container'; return; }
      const before = first();
      box.scrollTop = box.scrollHeight / 2;
      const wait = () => { if (first() !== before) at.interactive = performance.now(); else requestAnimationFrame(wait); };
      requestAnimationFrame(wait);
    };
    new MutationObserver(() => {
      if (at.rows !== undefined || document.querySelector(${JSON.stringify(RUN_ROW)}) === null) return;
      at.rows = performance.now();
      requestAnimationFrame(scroll);
    }).observe(document, { subtree: true, childList: true });
  })();`;
}

export async function timeRunsTable(browser: Browser, url: string, experimentId: string, timeoutMs = 60_000): Promise<RunsTableTiming> {
  const { context, page, errors } = await freshPage(browser);
  try {
    await page.addInitScript(runsTableScript());
    await page.goto(`${url}/runs?exp=${experimentId}`, { waitUntil: 'commit' });
    await page.waitForFunction(`${firstAt('interactive')} || ${firstAt('error')}`, undefined, { timeout: timeoutMs, polling: 50 }).catch((err: Error) => {
      throw new Error(`runs table (${RUN_ROW}) not interactive within ${timeoutMs} ms; page errors: ${errors.join(' | ') || 'none'}\n${err.message}`);
    });
    const at = (await page.evaluate('window.__firstAt')) as { rows: number; interactive?: number; error?: string };
    if (at.error) throw new Error(at.error);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join(' | ')}`);
    return { rowsMs: at.rows, interactiveMs: at.interactive! };
  } finally {
    await context.close();
  }
}

/** `data-series` on each chart canvas = the number of series it has drawn; done when all show `expected`. */
export async function timeCompare(
  browser: Browser,
  url: string,
  runIds: string[],
  metricKeys: string[],
  timeoutMs = 120_000,
): Promise<CompareTiming> {
  const { context, page, errors } = await freshPage(browser);
  const expected = runIds.length;
  try {
    const allDrawn = `() => {
      const c = [...document.querySelectorAll(${JSON.stringify(SERIES_CANVAS)})];
      return c.length >= ${metricKeys.length} && c.every((e) => Number(e.dataset.series) >= ${expected});
    }`;
    await page.addInitScript(watchScript('drawn', allDrawn));
    await page.goto(`${url}/compare?runs=${runIds.join(',')}&metrics=${metricKeys.map(encodeURIComponent).join(',')}`, { waitUntil: 'commit' });
    await page.waitForFunction(firstAt('drawn'), undefined, { timeout: timeoutMs, polling: 50 }).catch(async (err: Error) => {
      const state = await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(SERIES_CANVAS)})].map((e) => e.dataset.series).join(',')`).catch(() => '?');
      throw new Error(`compare view not drawn within ${timeoutMs} ms (canvases data-series: [${state}], want ${metricKeys.length} × ${expected}); page errors: ${errors.join(' | ') || 'none'}\n${err.message}`);
    });
    const drawnMs = (await page.evaluate(firstAt('drawn'))) as number;
    const canvases = (await page.evaluate(`document.querySelectorAll(${JSON.stringify(SERIES_CANVAS)}).length`)) as number;
    if (errors.length > 0) throw new Error(`page errors: ${errors.join(' | ')}`);
    return { drawnMs, canvases };
  } finally {
    await context.close();
  }
}
