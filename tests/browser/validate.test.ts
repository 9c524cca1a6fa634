// The validate page in Chromium against a real tiny model trained by `pixal train` into the dashboard's
// server: weights by run ID (typed, checked) and by alias, an image folder chosen by browsing, a real
// validation job with progress that ends in its plots, jobs that survive a reload, and bad input (a run
// that does not exist, a folder that is not there, a folder without type folders) said clearly.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { imagesLoaded } from './images.ts';
import { seedRegisteredModel } from './seed.ts';
import { seedTrainedModel, type TrainedSeed } from './seed-pages.ts';

const JOB_TIMEOUT_MS = 240_000;

describe('validate page', () => {
  let d: Dashboard<TrainedSeed>;
  beforeAll(async () => {
    d = await startDashboard({
      seed: async ({ url }) => {
        const trained = await seedTrainedModel(url);
        await seedRegisteredModel(url, { name: 'flex-front', runIds: [trained.runId], alias: { name: 'production', version: 1 } });
        return trained;
      },
    });
  }, 300_000);
  afterAll(async () => {
    await d?.close();
    if (d) rmSync(d.seeded.root, { recursive: true, force: true });
  });

  const job = (status: string) => d.page.locator(`[data-testid="job"][data-status="${status}"]`);

  it('checks a typed run ID and says when there is no such run', async () => {
    const { page } = d;
    await page.goto(`${d.url}/validate`);
    const input = page.getByTestId('weights-run-id');
    await input.fill('0123456789abcdef0123456789abcdef');
    await input.blur();
    await page.getByTestId('weights-run-missing').waitFor();
    expect(await page.getByTestId('weights-run-missing').textContent()).toBe('No such run: 0123456789abcdef0123456789abcdef does not exist on this server.');
    expect(await page.getByTestId('validate-launch').isDisabled()).toBe(true);
    await d.screenshot('validate-no-such-run');

    // Picked from the newest training runs instead.
    await page.locator(`[data-testid="recent-run"][data-run-id="${d.seeded.runId}"]`).click();
    await page.getByTestId('weights-run-ok').waitFor();
    expect(await input.inputValue()).toBe(d.seeded.runId);
  });

  it('chooses weights by alias', async () => {
    const { page } = d;
    await page.goto(`${d.url}/validate`);
    await page.getByTestId('weights-mode-alias').click();
    await page.getByTestId('weights-model').selectOption('flex-front');
    await page.getByTestId('weights-alias-ok').waitFor();
    expect(await page.getByTestId('weights-alias-ok').textContent()).toBe('models:/flex-front@production → version 1');
    expect(new URL(page.url()).searchParams.get('model')).toBe('models:/flex-front@production');
  });

  it('refuses a folder that is not there with the server message', async () => {
    const { page } = d;
    const missing = join(d.seeded.root, 'no-such-folder');
    await page.goto(`${d.url}/validate?run=${d.seeded.runId}`);
    await page.getByTestId('weights-run-ok').waitFor();
    await page.getByTestId('folder-path').fill(missing);
    await page.getByTestId('folder-path').press('Enter');
    await page.getByTestId('folder-error').waitFor();
    expect(await page.getByTestId('folder-error').textContent()).toContain(missing);
    await page.getByTestId('validate-launch').click();
    await page.getByTestId('launch-error').waitFor();
    expect(await page.getByTestId('launch-error').textContent()).toContain(missing);
    await d.screenshot('validate-missing-folder');
  });

  it('shows the error and log of a job that fails', { timeout: JOB_TIMEOUT_MS }, async () => {
    const { page } = d;
    const empty = mkdtempSync(join(d.seeded.root, 'empty-component-'));
    await page.goto(`${d.url}/validate?run=${d.seeded.runId}&dir=${encodeURIComponent(empty)}`);
    await page.getByTestId('weights-run-ok').waitFor();
    await page.getByTestId('validate-launch').click();
    const failed = job('FAILED').first();
    await failed.waitFor({ timeout: JOB_TIMEOUT_MS - 10_000 });
    expect((await failed.getByTestId('job-error').textContent())!.length).toBeGreaterThan(0);
    await d.screenshot('validate-job-failed');
  });

  it('runs a real validation with progress, keeps the job across a reload, and opens its plots', { timeout: JOB_TIMEOUT_MS }, async () => {
    const { page } = d;
    const images = join(d.seeded.root, 'data', 'test', 'flex');
    await page.goto(`${d.url}/validate?run=${d.seeded.runId}`);
    await page.getByTestId('weights-run-ok').waitFor();
    // Browse to the folder: type its parent, then open the component folder from the listing.
    await page.getByTestId('folder-path').fill(join(d.seeded.root, 'data', 'test'));
    await page.getByTestId('folder-path').press('Enter');
    await page.locator(`[data-testid="folder-entry"][data-path="${images}"]`).click();
    await page.getByTestId('folder-current').filter({ hasText: images }).waitFor();
    await page.getByTestId('folder-use').click();
    await page.waitForURL(/dir=/);
    await page.getByTestId('validate-launch').click();
    const card = page.getByTestId('job').first();
    await card.waitFor();
    expect(['QUEUED', 'RUNNING', 'FINISHED']).toContain(await card.getAttribute('data-status'));
    const jobId = await card.getAttribute('data-job-id');
    // Live progress while it runs: the bar and the stage the child reports.
    const running = page.locator(`[data-testid="job"][data-job-id="${jobId}"][data-status="RUNNING"]`);
    await running.getByTestId('job-progress').waitFor({ timeout: 60_000 });
    await expect.poll(() => running.getByTestId('job-stage').textContent(), { timeout: 60_000 }).toMatch(/\S+ — \d+\/\d+$/);
    await d.screenshot('validate-job-running');

    await page.reload();
    const same = page.locator(`[data-testid="job"][data-job-id="${jobId}"]`);
    await same.waitFor();
    await same.and(page.locator('[data-status="FINISHED"]')).waitFor({ timeout: JOB_TIMEOUT_MS - 30_000 });
    await d.screenshot('validate-job-finished');
    await same.getByTestId('job-result').click();
    await page.waitForURL(/\/validations\?sel=/);
    const thumbs = page.getByTestId('side-by-side').getByTestId('plot-thumb');
    await thumbs.first().waitFor();
    expect(await thumbs.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual(expect.arrayContaining(['plots/roc_images.png', 'plots/confusion_matrix.png']));
    await imagesLoaded(page, '[data-testid="side-by-side"] [data-testid="plot-thumb"] img');
    await d.screenshot('validate-result-plots');
  });
});

