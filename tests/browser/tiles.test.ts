// A tiled run (issue 8) in Chromium: its run page shows the tile grid as a heatmap with the worst tile
// marked, the curves of the worst three and the best tile over the aggregate, and a clicked tile's
// curve; the runs table keeps the per-tile metrics out of its default columns and folded in its chooser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { createExperiment, createRun } from './seed.ts';

const ROWS = 3;
const COLS = 4;
const EPOCHS = 20;
/** The tile that learns badly: its loss stays about four times the others'. */
const WORST = { row: 1, col: 2 };

/** A decreasing curve per tile, each at its own level, with a little wobble so best and latest differ. */
function tileCurve(row: number, col: number, offset: number): number[] {
  const level = row === WORST.row && col === WORST.col ? 0.4 : 0.05 + 0.01 * (row * COLS + col);
  return Array.from({ length: EPOCHS }, (_, e) => level * (0.5 + 0.5 * Math.exp(-e / 5)) + offset + 0.002 * Math.sin(e * 1.7 + row + col));
}

interface Seeded {
  experimentId: string;
  runId: string;
  untiledRunId: string;
  /** A 13×17 grid (a 4000×3000 photo in 256-pixel tiles): its histories take several requests. */
  largeRunId: string;
  /** Each tile's val_loss history, by "r_c". */
  valLoss: Map<string, number[]>;
}

async function seedTiledRun(url: string): Promise<Seeded> {
  const experimentId = await createExperiment(url, 'tiled');
  const metrics: Record<string, number[]> = {};
  const valLoss = new Map<string, number[]>();
  for (let row = 0; row < ROWS; row++)
    for (let col = 0; col < COLS; col++) {
      metrics[`tile_${row}_${col}/loss`] = tileCurve(row, col, 0);
      const val = tileCurve(row, col, 0.01);
      metrics[`tile_${row}_${col}/val_loss`] = val;
      valLoss.set(`${row}_${col}`, val);
    }
  const mean = (suffix: string) => Array.from({ length: EPOCHS }, (_, e) => Object.entries(metrics).filter(([k]) => k.endsWith(suffix)).reduce((s, [, v]) => s + v[e]!, 0) / (ROWS * COLS));
  metrics.loss = mean('/loss');
  metrics.val_loss = mean('/val_loss');
  metrics.learning_rate = Array.from({ length: EPOCHS }, () => 0.001);
  const { runId } = await createRun(url, experimentId, {
    name: 'tiled-per_location-front',
    params: { 'tiling.tile_size': 256, 'tiling.stride': 224, 'tiling.mode': 'per_location' },
    metrics,
    tags: { 'pixal.kind': 'training', 'pixal.tiling': 'per_location', 'pixal.tile_grid': `${ROWS}x${COLS}` },
  });
  // A plain run beside it, so the runs table has something to compare the columns with.
  const untiled = await createRun(url, experimentId, { name: 'untiled-front', params: { 'tiling.mode': 'none' }, metrics: { loss: [0.3, 0.2], val_loss: [0.35, 0.25] } });
  const large: Record<string, number[]> = {};
  for (let row = 0; row < 13; row++) for (let col = 0; col < 17; col++) large[`tile_${row}_${col}/val_loss`] = [0.5, 0.4, 0.1 + 0.001 * (row * 17 + col)];
  const big = await createRun(url, await createExperiment(url, 'tiled-large'), { name: 'tiled-13x17', metrics: large, tags: { 'pixal.tiling': 'shared', 'pixal.tile_grid': '13x17' } });
  return { experimentId, runId, untiledRunId: untiled.runId, largeRunId: big.runId, valLoss };
}

/**
 * Console errors other than the browser's "Failed to load resource … 404" line: the app shell asks for
 * endpoints a server may lack (the mirror status); the tile view's own requests failing shows as its error banner.
 */
const unexpected = (errors: string[]) => errors.filter((e) => !/Failed to load resource: .*404/.test(e));

const min = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);

describe('tile view', () => {
  let d: Dashboard<Seeded>;
  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedTiledRun(url) });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  it('shows the grid as a heatmap with the worst tile marked, and the chosen tiles’ curves', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.runId}`);
    await page.getByTestId('tile-view').waitFor();
    const cells = page.getByTestId('tile-cell');
    expect(await cells.count()).toBe(ROWS * COLS);
    const grid = page.getByTestId('tile-grid');
    expect([await grid.getAttribute('data-rows'), await grid.getAttribute('data-cols')]).toEqual([String(ROWS), String(COLS)]);
    // Cells sit at their row and column, row-major.
    expect(await cells.nth(1 * COLS + 2).getAttribute('data-tile')).toBe('1_2');

    // The worst tile is marked; each cell holds its best val_loss and the epoch of it.
    const worst = page.locator('[data-testid="tile-cell"][data-marker="worst"]');
    expect(await worst.getAttribute('data-tile')).toBe(`${WORST.row}_${WORST.col}`);
    expect(await worst.textContent()).toContain('worst');
    const worstHistory = d.seeded.valLoss.get('1_2')!;
    expect(Number(await worst.getAttribute('data-value'))).toBeCloseTo(min(worstHistory), 9);
    expect(Number(await worst.getAttribute('data-step'))).toBe(worstHistory.indexOf(min(worstHistory)));
    expect(await page.locator('[data-testid="tile-cell"][data-marker="best"]').getAttribute('data-tile')).toBe('0_0');
    await page.getByTestId('tile-legend').waitFor();

    // By default: the three worst tiles and the best, plus the aggregate curve.
    const chart = page.getByTestId('tile-curves');
    await expect.poll(() => chart.getAttribute('data-series')).toBe('5');
    expect(await page.locator('[data-testid="tile-cell"][aria-pressed="true"]').count()).toBe(4);
    expect(await page.getByTestId('tile-curve-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-tile')))).toEqual(['1_2', '2_3', '2_2', '0_0', 'aggregate']);

    // Hovering a cell tells its value and epoch.
    await page.locator('[data-testid="tile-cell"][data-tile="0_1"]').hover();
    await expect.poll(() => page.getByTestId('tile-hover').textContent()).toMatch(/^tile \(0, 1\): best val_loss [\d.]+ at epoch \d+ · rank 11 of 12/);

    // Clicking a cell adds its curve, and the URL keeps the choice.
    await page.locator('[data-testid="tile-cell"][data-tile="0_1"]').click();
    await expect.poll(() => chart.getAttribute('data-series')).toBe('6');
    expect(await page.locator('[data-testid="tile-cell"][data-tile="0_1"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid="tile-curve-item"][data-tile="0_1"]').waitFor();
    expect(new URL(page.url()).searchParams.get('tiles')).toBe('1_2,2_3,2_2,0_0,0_1');
    await page.mouse.move(0, 0);
    await d.screenshot('tiles');

    // Clicking it again removes it.
    await page.locator('[data-testid="tile-cell"][data-tile="0_1"]').click();
    await expect.poll(() => chart.getAttribute('data-series')).toBe('5');

    // The latest value instead of the best.
    await page.getByTestId('tile-mode-latest').click();
    await expect.poll(() => page.getByTestId('tile-view').getAttribute('data-mode')).toBe('latest');
    expect(Number(await worst.getAttribute('data-value'))).toBeCloseTo(worstHistory[EPOCHS - 1]!, 9);
    expect(Number(await worst.getAttribute('data-step'))).toBe(EPOCHS - 1);
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('opens a shared link with its tiles, and keeps per-tile metrics out of the metrics list', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.runId}?tiles=2_1`);
    await page.getByTestId('tile-view').waitFor();
    await expect.poll(() => page.getByTestId('tile-curves').getAttribute('data-series')).toBe('2');
    const listed = await page.getByTestId('run-metric').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(listed).toEqual(['learning_rate', 'loss', 'val_loss']);
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('shows every tile of a large grid, whose histories take several requests', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.largeRunId}`);
    await page.getByTestId('tile-view').waitFor();
    expect(await page.getByTestId('tile-cell').count()).toBe(13 * 17);
    expect(await page.locator('[data-testid="tile-cell"]:not([data-value])').count()).toBe(0);
    expect(await page.locator('[data-testid="tile-cell"][data-marker="worst"]').getAttribute('data-tile')).toBe('12_16');
    // No aggregate logged: the worst three and the best tile only.
    await expect.poll(() => page.getByTestId('tile-curves').getAttribute('data-series')).toBe('4');
    await d.screenshot('tiles-large');
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('has no tile view for an untiled run', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.untiledRunId}`);
    await page.getByTestId('run-metric').first().waitFor();
    expect(await page.getByTestId('run-tiles').count()).toBe(0);
  });

  it('keeps per-tile metrics out of the runs table’s default columns and folded in its chooser', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs?exp=${d.seeded.experimentId}`);
    await page.getByTestId('runs-row').first().waitFor();
    const headers = await page.locator('[data-testid^="sort-metrics."]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(headers).toEqual(['sort-metrics.learning_rate', 'sort-metrics.loss', 'sort-metrics.val_loss']);

    await page.getByTestId('column-chooser').click();
    const option = page.getByTestId('column-chooser-option-metrics.tile_1_2/val_loss');
    expect(await option.count()).toBe(0);
    const fold = page.getByTestId('column-chooser-fold-Tile metrics');
    expect(await fold.textContent()).toContain(`(${2 * ROWS * COLS})`);
    await fold.click();
    await option.waitFor();
    await option.locator('input').check();
    await page.locator('[data-testid="sort-metrics.tile_1_2/val_loss"]').waitFor();
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('keeps per-tile metrics out of the compare view’s default charts and folded in its chooser', async () => {
    const { page } = d;
    await page.goto(`${d.url}/compare?runs=${d.seeded.runId}`);
    await page.waitForSelector('[data-testid="chart-val_loss"][data-series="1"]');
    const charts = await page.locator('canvas[data-testid^="chart-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(charts).toEqual(['chart-learning_rate', 'chart-loss', 'chart-val_loss']);
    await page.getByTestId('metric-chooser').click();
    expect(await page.getByTestId('metric-chooser-option-tile_1_2/val_loss').count()).toBe(0);
    await page.getByTestId('metric-chooser-fold-Tile metrics').click();
    await page.getByTestId('metric-chooser-option-tile_1_2/val_loss').locator('input').check();
    await page.waitForSelector('[data-testid="chart-tile_1_2/val_loss"][data-series="1"]');
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });
});
