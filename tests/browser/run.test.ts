// The run page in Chromium: params, metrics with sparklines, system info, the artifact browser with
// text, CSV and image previews and a download link, the links to its validation and back, and a clear
// message for a run ID that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { imagesLoaded, naturalSize } from './images.ts';
import { RUN_ARTIFACTS, seedRunPage, type RunPageSeed } from './seed-pages.ts';

/** Console errors other than the browser's own "Failed to load resource" line for an expected 404. */
const unexpected = (errors: string[]) => errors.filter((e) => !/Failed to load resource: .*404/.test(e));

describe('run page', () => {
  let d: Dashboard<RunPageSeed>;
  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedRunPage(url) });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  it('shows params, metrics with sparklines, tags and system info', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.runId}`);
    await page.getByTestId('run-name').waitFor();
    expect(await page.getByTestId('run-name').textContent()).toBe('autoencoder-conv-LAB_ab-pool2-front');
    expect(await page.getByTestId('run-status').textContent()).toBe('FINISHED');
    expect(await page.getByTestId('run-params').locator('tr[data-key="channels"] .kv-value').textContent()).toBe('LAB_ab');
    const loss = page.getByTestId('run-metric').and(page.locator('[data-key="loss"]'));
    expect(await loss.locator('td').nth(1).textContent()).toBe('0.05');
    await loss.getByTestId('sparkline').waitFor();
    const system = page.getByTestId('run-system');
    expect(await system.locator('tr[data-key="pixal.host"] td').nth(1).textContent()).toBe('lab-workstation-3');
    expect(await system.locator('tr[data-key="mlflow.source.git.commit"] td').nth(1).textContent()).toBe('9e94d0d1c0ffee');
    expect(await page.getByTestId('run-tags').locator('tr[data-key="pixal.type"] .kv-value').textContent()).toBe('front');
    expect(await page.getByTestId('run-validate').getAttribute('href')).toBe(`/validate?run=${d.seeded.runId}`);
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('browses artifacts lazily and previews YAML, JSON, CSV and PNG with a download link', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.runId}`);
    const node = (path: string) => page.locator(`[data-testid="artifact-node"][data-path="${path}"]`);
    await node('metadata').waitFor();
    // Folders are listed only when opened.
    expect(await node('metadata/config.yaml').count()).toBe(0);
    await node('metadata').click();
    await node('metadata/config.yaml').click();
    await page.getByTestId('artifact-text').waitFor();
    expect(await page.getByTestId('artifact-text').textContent()).toBe(RUN_ARTIFACTS['metadata/config.yaml']);
    expect(page.url()).toContain('artifact=metadata%2Fconfig.yaml');

    await node('metadata/summary.json').click();
    await page.getByTestId('artifact-text').filter({ hasText: 'best_epoch' }).waitFor();

    await node('scores.csv').click();
    const csv = page.getByTestId('artifact-csv');
    await csv.waitFor();
    expect(await csv.locator('th').allTextContents()).toEqual(['type', 'name', 'label', 'score']);
    expect(await csv.locator('tbody tr').count()).toBe(2);

    await node('plots').click();
    await node('plots/loss.png').click();
    const image = page.getByTestId('artifact-image');
    await image.waitFor();
    await imagesLoaded(page, '[data-testid="artifact-image"]');
    expect(await naturalSize(page, '[data-testid="artifact-image"]')).toEqual([200, 150]);
    const download = await page.getByTestId('artifact-download').getAttribute('href');
    expect(download).toBe(`/get-artifact?path=plots%2Floss.png&run_uuid=${d.seeded.runId}`);
    const bytes = await fetch(`${d.url}${download}`).then((r) => r.arrayBuffer());
    expect(Buffer.from(bytes).subarray(1, 4).toString()).toBe('PNG');
    await d.screenshot('run-artifact-image');

    // A shared URL opens the same preview, its folder unfolded.
    await page.goto(`${d.url}/runs/${d.seeded.runId}?artifact=model%2FMLmodel`);
    await page.getByTestId('artifact-text').filter({ hasText: 'format: tfjs' }).waitFor();
    expect(unexpected(d.consoleErrors)).toEqual([]);
  });

  it('links a training run to its validations and a validation run back to its source', async () => {
    const { page } = d;
    await page.goto(`${d.url}/runs/${d.seeded.runId}`);
    const row = page.locator(`[data-testid="run-validation"][data-run-id="${d.seeded.validationRunId}"]`);
    await row.waitFor();
    await row.locator(`a[href="/runs/${d.seeded.validationRunId}"]`).click();
    await page.getByTestId('run-source').waitFor();
    expect(await page.getByTestId('run-validate').count()).toBe(0);
    await page.getByTestId('run-source-link').click();
    await page.waitForURL(`${d.url}/runs/${d.seeded.runId}`);
    await page.getByTestId('run-name').filter({ hasText: 'autoencoder-conv-LAB_ab-pool2-front' }).waitFor();
  });

  it('says clearly that a run ID does not exist', async () => {
    const { page } = d;
    const missing = '0123456789abcdef0123456789abcdef';
    await page.goto(`${d.url}/runs/${missing}`);
    const message = page.getByTestId('run-not-found');
    await message.waitFor();
    expect(await message.locator('h2').textContent()).toBe(`Run ${missing} does not exist`);
    expect(await page.getByTestId('spinner').count()).toBe(0);
    await d.screenshot('run-not-found');
  });
});
