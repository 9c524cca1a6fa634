// The models pages in Chromium: the registered models, a model's versions with their source runs and
// validation metrics, promoting a version (confirmed, then seen in the promotion history), any alias
// set and removed, "compare with production", and alias changes made elsewhere arriving live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { seedModel, type ModelSeed } from './seed-pages.ts';

describe('models pages', () => {
  let d: Dashboard<ModelSeed>;
  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedModel(url) });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  const promotions = () => d.page.getByTestId('promotion');

  it('lists the models and shows versions with source runs and validation metrics', async () => {
    const { page } = d;
    await page.goto(`${d.url}/models`);
    const row = page.locator('[data-testid="model-row"][data-name="flex-front"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('@production → v1');
    await row.getByTestId('model-link').click();
    await page.waitForURL(`${d.url}/models/flex-front`);
    const v1 = page.locator('[data-testid="version"][data-version="1"]');
    const v2 = page.locator('[data-testid="version"][data-version="2"]');
    await v2.getByTestId('version-source-run').filter({ hasText: 'conv-RGB-pool4' }).waitFor();
    expect(await v1.getByTestId('version-source-run').getAttribute('href')).toBe(`/runs/${d.seeded.runIds[0]}`);
    const header = await page.getByTestId('versions').locator('th').allTextContents();
    const auroc = header.indexOf('image_auroc');
    expect(auroc).toBeGreaterThan(0);
    expect(await v2.locator('td').nth(auroc).textContent()).toBe('0.95');
    expect(await v1.locator('td').nth(auroc).textContent()).toBe('0.91');
    expect(await page.getByTestId('promotion').count()).toBe(1); // the seed's alias set
  });

  it('promotes version 2 after a confirmation naming the change, and records it in the history', async () => {
    const { page } = d;
    await page.goto(`${d.url}/models/flex-front`);
    await page.getByTestId('promote-2').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.getByTestId('alias-change').textContent()).toBe('Move alias "production" of flex-front from version 1 to version 2.');
    await d.screenshot('models-promote-confirm');
    await dialog.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="alias"][data-alias="production"][data-version="2"]').waitFor();
    expect(await page.locator('[data-testid="version"][data-version="2"]').getByTestId('version-alias').allTextContents()).toEqual(['@production']);
    expect(await page.locator('[data-testid="version"][data-version="1"]').getByTestId('version-alias').count()).toBe(0);
    const newest = promotions().first();
    await newest.and(page.locator('[data-kind="alias_moved"]')).waitFor();
    expect(await newest.getByTestId('promotion-from').textContent()).toBe('v1');
    expect(await newest.getByTestId('promotion-to').textContent()).toBe('v2');
    expect(await promotions().count()).toBe(2);
    const history = await fetch(`${d.url}/api/pixal/promotions?model=flex-front`).then((r) => r.json() as Promise<{ events: { kind: string; from?: string; to?: string }[] }>);
    expect(history.events[0]).toMatchObject({ kind: 'alias_moved', from: '1', to: '2' });

    // Version 1 now compares against production (version 2) on their source runs.
    const compare = page.getByTestId('compare-production-1');
    expect(await compare.getAttribute('href')).toBe(`/compare?runs=${d.seeded.runIds[0]}%2C${d.seeded.runIds[1]}`);
    expect(await page.getByTestId('compare-production-2').count()).toBe(0);
    await d.screenshot('models-promoted');
  });

  it('sets and removes any typed alias, each confirmed', async () => {
    const { page } = d;
    await page.goto(`${d.url}/models/flex-front`);
    await page.getByTestId('alias-name').fill('staging');
    await page.getByTestId('alias-version').selectOption('1');
    await page.getByTestId('alias-apply').click();
    expect(await page.getByTestId('alias-change').textContent()).toBe('Set alias "staging" of flex-front to version 1 (it is not set now).');
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="alias"][data-alias="staging"][data-version="1"]').waitFor();
    await promotions().first().and(page.locator('[data-kind="alias_set"][data-alias="staging"]')).waitFor();

    // A name MLflow refuses is caught before asking.
    await page.getByTestId('alias-name').fill('v3');
    expect(await page.getByTestId('alias-apply').isDisabled()).toBe(true);

    await page.getByTestId('alias-remove-staging').click();
    expect(await page.getByTestId('alias-change').textContent()).toContain('Remove alias "staging" of flex-front from version 1');
    await page.getByTestId('confirm-ok').click();
    await promotions().first().and(page.locator('[data-kind="alias_removed"][data-alias="staging"]')).waitFor();
    expect(await page.locator('[data-testid="alias"][data-alias="staging"]').count()).toBe(0);
  });

  it('refreshes live when another client moves an alias', async () => {
    const { page } = d;
    await page.goto(`${d.url}/models/flex-front`);
    await page.locator('[data-testid="alias"][data-alias="production"]').waitFor();
    await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor();
    const res = await fetch(`${d.url}/api/2.0/mlflow/registered-models/alias`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Pixal-User': 'ci-bot' },
      body: JSON.stringify({ name: 'flex-front', alias: 'candidate', version: '2' }),
    });
    expect(res.status).toBe(200);
    await page.locator('[data-testid="alias"][data-alias="candidate"][data-version="2"]').waitFor();
    expect(await promotions().first().locator('td').nth(1).textContent()).toBe('ci-bot');
  });

  it('says clearly that a model does not exist', async () => {
    await d.page.goto(`${d.url}/models/no-such-model`);
    await d.page.getByTestId('model-not-found').waitFor();
    expect(await d.page.getByTestId('model-not-found').locator('h2').textContent()).toBe('Model no-such-model does not exist');
  });
});
