// The runs view in Chromium on a real server: the table, nested sweep runs, the filter grammar with an
// inline error, grouping with counts, selection into the compare view, URL state and live rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/main.ts';
import { startDashboard, type Dashboard } from './harness.ts';
import { createExperiment, createRun, seedDemo, type DemoSeed } from './seed.ts';

describe('runs view', () => {
  let d: Dashboard<DemoSeed>;
  const table = () => d.page.getByTestId('runs-table');
  const runsCount = async () => Number(await d.page.getByTestId('runs-count').getAttribute('data-count'));

  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedDemo(url) });
  });
  afterAll(async () => {
    await d?.close();
  });

  it('opens the latest experiment and lists its runs, sweep trials folded under their parent', async () => {
    await d.page.goto(`${d.url}/`);
    await table().waitFor();
    expect(new URL(d.page.url()).searchParams.get('exp')).toBe(d.seeded.experimentId);
    // 8 runs + the sweep parent with 6 trials + the validation run
    expect(await runsCount()).toBe(16);
    expect(await table().getAttribute('data-rows')).toBe('10');
    const sweep = d.page.locator(`[data-testid="runs-row"][data-run-id="${d.seeded.sweep.parentRunId}"]`);
    await sweep.getByTestId('run-expand').click();
    await d.page.waitForSelector('[data-testid="runs-table"][data-rows="16"]');
    expect(new URL(d.page.url()).searchParams.get('open')).toBe(d.seeded.sweep.parentRunId);
    await d.screenshot('table-sweep-open');
    expect(d.consoleErrors).toEqual([]);
  });

  it('filters with the MLflow grammar and keeps the URL in step', async () => {
    await d.page.getByTestId('runs-filter').fill("params.channels = 'RGB'");
    await d.page.getByTestId('runs-filter').press('Enter');
    // channels cycles RGB/HSV/LAB_ab: runs 0, 3, 6 and sweep trials 0, 3
    await d.page.waitForSelector('[data-testid="runs-count"][data-count="5"]');
    expect(new URL(d.page.url()).searchParams.get('filter')).toBe("params.channels = 'RGB'");
    await d.screenshot('filtered');
  });

  it('shows a filter syntax error inline under the box, naming the bad token, and keeps the page', async () => {
    await d.page.getByTestId('runs-filter').fill('params.channels = RGB');
    await d.page.getByTestId('runs-filter').press('Enter');
    const error = d.page.getByTestId('filter-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/quote/i);
    expect(await error.locator('mark').innerText()).toBe('RGB');
    // the previous results stay visible under the error
    expect(await table().isVisible()).toBe(true);
    await d.screenshot('filter-error');
    await d.page.getByTestId('runs-filter-clear').click();
    await d.page.waitForSelector('[data-testid="runs-count"][data-count="16"]');
    expect(await d.page.getByTestId('filter-error').count()).toBe(0);
  });

  it('groups by channels × pool size with counts, and a reload restores the view from the URL', async () => {
    await d.page.getByTestId('group-by').click();
    await d.page.getByTestId('group-by-option-channels').click();
    await d.page.getByTestId('group-by-option-pool_size').click();
    await d.page.keyboard.press('Escape');
    await d.page.getByTestId('group-row').first().waitFor();
    const counts = async () => d.page.getByTestId('group-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-count'))));
    // 3 channels × 2 pool sizes, plus the runs without these params (sweep parent, validation)
    expect(await counts()).toEqual([3, 2, 2, 2, 3, 2, 2]);
    expect(new URL(d.page.url()).searchParams.get('group')).toBe('channels,pool_size');
    await d.screenshot('grouped');
    await d.page.getByTestId('group-toggle').first().click();
    await d.page.waitForSelector('[data-testid="runs-table"][data-rows="20"]');
    await d.page.reload();
    await d.page.waitForSelector('[data-testid="runs-table"][data-rows="20"]');
    expect(await counts()).toEqual([3, 2, 2, 2, 3, 2, 2]);
  });

  it('selects two runs and opens them in the compare view', async () => {
    await d.page.goto(`${d.url}/runs?exp=${d.seeded.experimentId}`);
    await table().waitFor();
    const [a, b] = d.seeded.runIds;
    for (const id of [a, b]) await d.page.locator(`[data-testid="runs-row"][data-run-id="${id}"]`).getByTestId('run-select').click();
    expect(await d.page.getByTestId('compare-action').innerText()).toBe('Compare (2)');
    await d.page.getByTestId('compare-action').click();
    await d.page.waitForSelector('[data-testid="chart-loss"][data-series="2"]');
    await d.page.waitForSelector('[data-testid="chart-val_loss"][data-series="2"]');
    expect(new Set(new URL(d.page.url()).searchParams.get('runs')!.split(','))).toEqual(new Set([a, b]));
    await d.screenshot('compare-two');
    await d.page.goBack();
    await table().waitFor();
    expect(await d.page.getByTestId('compare-action').innerText()).toBe('Compare (2)');
  });

  it('shows a run created while the page is open, without a reload', async () => {
    await d.page.goto(`${d.url}/runs?exp=${d.seeded.experimentId}`);
    await table().waitFor();
    await d.page.waitForSelector('[data-testid="connection"][data-state="live"]');
    const { runId } = await createRun(d.url, d.seeded.experimentId, { name: 'arrived-live', params: { channels: 'HSV' }, metrics: { loss: [0.5, 0.25] } });
    await d.page.locator(`[data-testid="runs-row"][data-run-id="${runId}"]`).waitFor();
    expect(await runsCount()).toBe(17);
  });

  it('updates a run\'s latest metric in place when it logs one', async () => {
    const runId = d.seeded.runIds[0]!;
    await d.page.goto(`${d.url}/runs?exp=${d.seeded.experimentId}&cols=metrics.loss`);
    await table().waitFor();
    await d.page.waitForSelector('[data-testid="connection"][data-state="live"]');
    await fetch(`${d.url}/api/2.0/mlflow/runs/log-metric`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ run_id: runId, key: 'loss', value: 0.000123, timestamp: Date.now(), step: 1000 }),
    });
    await d.page.locator(`[data-testid="runs-row"][data-run-id="${runId}"]`).getByText('1.230e-4').waitFor();
    // only the filter-error test's deliberate 400 reached the console
    expect(d.consoleErrors.filter((e) => !e.includes('400'))).toEqual([]);
  });
});

describe('runs view when the server restarts under the open page', () => {
  it('says the server is unreachable, retries, and comes back live with the new answer', async () => {
    const d = await startDashboard();
    const dir = mkdtempSync(join(tmpdir(), 'pixal-restart-'));
    const options = { host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'store.db')}`, artifactsDestination: join(dir, 'artifacts'), logLevel: 'silent' };
    let server = await startServer(options);
    try {
      const experimentId = await createExperiment(server.url, 'restart');
      for (const channels of ['RGB', 'HSV']) await createRun(server.url, experimentId, { params: { channels } });
      await d.page.goto(`${server.url}/runs?exp=${experimentId}`);
      await d.page.waitForSelector('[data-testid="runs-count"][data-count="2"]');
      await d.page.waitForSelector('[data-testid="connection"][data-state="live"]');
      await server.close();
      await d.page.waitForSelector('[data-testid="connection"][data-state="reconnecting"]');
      // a search while the server is down: retried, said so in the header, the old rows stay
      await d.page.getByTestId('runs-filter').fill("params.channels = 'RGB'");
      await d.page.getByTestId('runs-filter').press('Enter');
      await d.page.waitForSelector('[data-testid="connection"][data-state="unreachable"]');
      expect(await d.page.getByTestId('connection').innerText()).toBe('server unreachable — retrying');
      expect(await d.page.getByTestId('runs-table').isVisible()).toBe(true);
      await d.screenshot('server-down');
      server = await startServer({ ...options, port: server.port });
      await d.page.waitForSelector('[data-testid="runs-count"][data-count="1"]');
      await d.page.waitForSelector('[data-testid="connection"][data-state="live"]');
    } finally {
      await server.close();
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
