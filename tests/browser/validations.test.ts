// The validation history in Chromium: a gallery of every validation's plots (lazy thumbnails),
// filters by model and source run, the same plot side by side across twelve validations (beyond
// MLflow's ten), and a per-model timeline whose points open a validation's gallery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { imagesLoaded } from './images.ts';
import { VALIDATION_PLOTS } from './seed.ts';
import { seedValidationHistory, type HistorySeed } from './seed-pages.ts';

const COUNT = 12;

describe('validation history', () => {
  let d: Dashboard<HistorySeed>;
  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedValidationHistory(url, COUNT) });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  it('shows every validation with its plots, newest first, filterable by model and source run', async () => {
    const { page } = d;
    await page.goto(`${d.url}/validations`);
    const cards = page.getByTestId('validation');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(COUNT);
    expect(await cards.first().getAttribute('data-run-id')).toBe(d.seeded.validationRunIds.at(-1));
    expect(await cards.first().getByTestId('plot-thumb').count()).toBe(VALIDATION_PLOTS.length);
    await imagesLoaded(page, '[data-testid="plot-thumb"] img');
    await d.screenshot('validations-gallery');

    await page.getByTestId('filter-run').fill(d.seeded.sourceRunIds[0]!);
    await page.getByTestId('filter-run').press('Enter');
    await page.waitForURL(/run=/);
    const gallery = page.locator('[data-testid="gallery"] [data-testid="validation"]');
    await expect.poll(() => gallery.count(), { timeout: 10_000 }).toBe(COUNT / 2);

    await page.getByTestId('filter-model').selectOption(d.seeded.model);
    await page.waitForURL(/model=flex-front/);
    await expect.poll(() => gallery.count(), { timeout: 10_000 }).toBe(COUNT);
  });

  it('puts one plot side by side across all twelve chosen validations', async () => {
    const { page } = d;
    await page.goto(`${d.url}/validations`);
    await page.getByTestId('validation').first().waitFor();
    // The gallery's checkboxes (the chosen ones also appear above it, in the side-by-side view).
    for (const box of await page.locator('[data-testid="gallery"] [data-testid="validation-select"]').all()) await box.check();
    await page.getByTestId('side-by-side').waitFor();
    await page.getByTestId('plot-choice').selectOption(VALIDATION_PLOTS[0]);
    await page.waitForURL(/plot=plots%2Froc_images.png/);
    const cells = page.getByTestId('plot-cell');
    expect(await cells.count()).toBe(COUNT);
    expect(new URL(page.url()).searchParams.get('sel')!.split(',')).toHaveLength(COUNT);
    // Every chosen validation's copy of the plot really loads (scrolled into view one by one).
    for (const cell of await cells.all()) await cell.scrollIntoViewIfNeeded();
    await imagesLoaded(page, '[data-testid="plot-cell"] img', COUNT);
    await page.evaluate('window.scrollTo(0, 0)');
    await d.screenshot('validations-side-by-side');

    // The full-size view steps through the same plot of the next validation.
    await cells.first().locator('button').click();
    await page.getByTestId('lightbox').waitFor();
    await page.getByTestId('lightbox-next').click();
    expect(await page.getByTestId('lightbox').textContent()).toContain(`2 / ${COUNT}`);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('lightbox').count()).toBe(0);
  });

  it('draws a timeline per model whose points open that validation', async () => {
    const { page } = d;
    await page.goto(`${d.url}/validations?model=${d.seeded.model}&metric=image_auroc`);
    const timeline = page.locator(`[data-testid="timeline"][data-model="${d.seeded.model}"]`);
    await timeline.waitFor();
    const points = timeline.getByTestId('timeline-point');
    expect(await points.count()).toBe(COUNT);
    await d.screenshot('validations-timeline');
    const first = d.seeded.validationRunIds[0]!;
    await timeline.locator(`[data-testid="timeline-point"][data-run-id="${first}"] circle`).click();
    await page.waitForURL(new RegExp(`sel=${first}`));
    const chosen = page.getByTestId('side-by-side').getByTestId('validation');
    await chosen.first().waitFor();
    expect(await chosen.count()).toBe(1);
    expect(await chosen.getAttribute('data-run-id')).toBe(first);
    expect(await chosen.getByTestId('plot-thumb').count()).toBe(VALIDATION_PLOTS.length);
    expect(d.consoleErrors).toEqual([]);
  });
});
