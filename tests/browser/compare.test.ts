// The compare view in Chromium on a real server: one series per run on every metric chart, group
// aggregation, smoothing / log / time axis, hover values, the differences-only table, parallel
// coordinates and scatter, and a run id that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { createExperiment, seedRuns } from './seed.ts';

interface Seeded {
  experimentId: string;
  runIds: string[];
}

describe('compare view', () => {
  let d: Dashboard<Seeded>;
  const series = (testId: string) => d.page.getByTestId(testId).getAttribute('data-series');
  const open = async (query: string) => {
    await d.page.goto(`${d.url}/compare?runs=${d.seeded.runIds.join(',')}${query}`);
  };

  beforeAll(async () => {
    d = await startDashboard({
      seed: async ({ url }) => {
        const experimentId = await createExperiment(url, 'compare');
        // the first 6 variants: channels RGB/HSV/LAB_ab × pool 2/4, same model kind and learning rate
        return { experimentId, runIds: await seedRuns(url, { experimentId, count: 6, epochs: 40 }) };
      },
    });
  });
  afterAll(async () => {
    await d?.close();
  });

  it('draws one series per run on each metric chart, with a legend naming the runs', async () => {
    await open('&metrics=loss,val_loss');
    await d.page.waitForSelector('[data-testid="chart-loss"][data-series="6"]');
    await d.page.waitForSelector('[data-testid="chart-val_loss"][data-series="6"]');
    expect(await d.page.getByTestId('legend-item').count()).toBe(6);
    expect(await d.page.getByTestId('legend').innerText()).toContain('dense-RGB-pool2-0');
    await d.screenshot('curves');
    expect(d.consoleErrors).toEqual([]);
  });

  it('shows every series value under the hover crosshair', async () => {
    const box = (await d.page.getByTestId('chart-loss').boundingBox())!;
    await d.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = d.page.getByTestId('chart-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.locator('.chart-tooltip-row').count()).toBe(6);
    await d.screenshot('hover');
    await d.page.mouse.move(0, 0);
  });

  it('aggregates by a param: a mean line with its band per value', async () => {
    await d.page.getByTestId('compare-group').selectOption('channels');
    await d.page.waitForSelector('[data-testid="chart-loss"][data-series="3"]');
    expect(new URL(d.page.url()).searchParams.get('group')).toBe('channels');
    expect(await d.page.getByTestId('legend').innerText()).toMatch(/channels=HSV\s*\(2\)/);
    await d.screenshot('grouped');
  });

  it('keeps all series with smoothing, a log axis and relative time on x', async () => {
    await open('&metrics=loss&smooth=0.8&log=1&x=time');
    await d.page.waitForSelector('[data-testid="chart-loss"][data-series="6"]');
    expect(await d.page.getByTestId('smoothing').inputValue()).toBe('0.8');
    expect(await d.page.getByTestId('log-y').isChecked()).toBe(true);
    expect(await d.page.getByTestId('x-axis').inputValue()).toBe('time');
    await d.screenshot('smoothed-log-time');
  });

  it('lists params and metrics side by side and hides equal rows on "differences only"', async () => {
    await open('&tab=table');
    const rows = d.page.getByTestId('compare-row');
    await rows.first().waitFor();
    const keys = () => rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-key')));
    expect(await keys()).toEqual(expect.arrayContaining(['channels', 'pool_size', 'learning_rate', 'model_kind', 'loss']));
    await d.page.getByTestId('diff-only').check();
    await d.page.locator('[data-testid="compare-row"][data-key="learning_rate"]').waitFor({ state: 'detached' });
    const differing = await keys();
    expect(differing).toEqual(expect.arrayContaining(['channels', 'pool_size', 'loss', 'val_loss']));
    expect(differing).not.toContain('model_kind');
    expect(new URL(d.page.url()).searchParams.get('diff')).toBe('1');
    await d.screenshot('table-diff-only');
  });

  it('draws parallel coordinates and a scatter with one line / dot per run', async () => {
    await open('&tab=parallel');
    await d.page.waitForSelector('[data-testid="parallel-chart"][data-series="6"]');
    expect(Number(await d.page.getByTestId('parallel-chart').getAttribute('data-axes'))).toBeGreaterThanOrEqual(2);
    await d.screenshot('parallel');
    await open('&tab=scatter&sx=params.pool_size&sy=metrics.val_loss');
    await d.page.waitForSelector('[data-testid="scatter-chart"][data-series="6"]');
    await d.screenshot('scatter');
  });

  it('names a run id that does not exist and still draws the others', async () => {
    await d.page.goto(`${d.url}/compare?runs=doesnotexist0000,${d.seeded.runIds[0]}&metrics=loss`);
    await d.page.waitForSelector('[data-testid="chart-loss"][data-series="1"]');
    expect(await d.page.getByTestId('compare-missing').innerText()).toContain('doesnotexist0000');
    expect(await series('chart-loss')).toBe('1');
  });
});
