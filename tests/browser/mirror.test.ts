// The dashboard of a mirror in Chromium, against a real `mlflow server`: the header's badge names the
// remote and the last sync; a promotion made in the dashboard lands on the remote (seen by the
// official Python client); with the remote stopped a read-only banner appears and alias editing and
// validation launches are disabled with the reason; once it is back, "Sync now" lifts all that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caughtUp, python, startRemote, type Remote } from '../server/mirror/remote-mlflow.ts';
import { startDashboard, type Dashboard } from './harness.ts';
import { seedModel, type ModelSeed } from './seed-pages.ts';

describe('the dashboard of a mirror', () => {
  let remote: Remote;
  let seeded: ModelSeed;
  let d: Dashboard<undefined>;

  beforeAll(async () => {
    remote = await startRemote();
    seeded = await seedModel(remote.url);
    d = await startDashboard({ serverOptions: { mirror: { url: remote.url, intervalSeconds: 0 } } });
    await caughtUp(d.url);
  }, 240_000);
  afterAll(async () => {
    await d?.close();
    await remote?.close();
  });

  const remoteAlias = async (alias: string) =>
    (await python<{ version: string }>(remote.url, `import json\nfrom mlflow import MlflowClient\nprint(json.dumps({'version': MlflowClient().get_model_version_by_alias('${seeded.model}', '${alias}').version}))`)).version;

  it('names the remote and the last sync in the header', async () => {
    const { page } = d;
    await page.goto(`${d.url}/models/${seeded.model}`);
    const badge = page.getByTestId('mirror-badge');
    await badge.waitFor();
    expect(await badge.getByTestId('mirror-url').textContent()).toBe(remote.url);
    expect(await badge.getByTestId('mirror-synced').textContent()).toMatch(/^synced \d+s ago$/);
    expect(await page.getByTestId('mirror-read-only').count()).toBe(0);
    await d.screenshot('mirror-badge');
  });

  it('writes a promotion made in the dashboard to the remote', async () => {
    const { page } = d;
    await page.getByTestId('promote-2').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
    await page.locator('[data-testid="alias"][data-alias="production"][data-version="2"]').waitFor();
    expect(await remoteAlias('production')).toBe('2');
  });

  it('shows a read-only banner and disables promotions and launches while the remote is down', async () => {
    const { page } = d;
    await remote.stop();
    await page.getByTestId('mirror-sync').click();
    const banner = page.getByTestId('mirror-read-only');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/^remote unreachable since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, showing the mirror as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\./);
    expect(await page.getByTestId('mirror-badge').getAttribute('data-read-only')).toBe('true');
    expect(await page.getByTestId('alias-apply').isDisabled()).toBe(true);
    expect(await page.getByTestId(`alias-remove-production`).isDisabled()).toBe(true);
    expect(await page.getByTestId('promote-1').isDisabled()).toBe(true);
    expect(await page.getByTestId('alias-read-only').textContent()).toBe(`read-only: the remote MLflow at ${remote.url} is unreachable`);
    // Still the mirror's data: the promotion made before is there.
    expect(await page.locator('[data-testid="alias"][data-alias="production"]').getAttribute('data-version')).toBe('2');
    await d.screenshot('mirror-read-only');

    await page.goto(`${d.url}/validate?run=${seeded.runIds[0]}`);
    await page.getByTestId('validate-read-only').waitFor();
    expect(await page.getByTestId('validate-launch').isDisabled()).toBe(true);
    expect(await page.getByTestId('mirror-read-only').count()).toBe(1);
  });

  it('lifts the read-only state after "Sync now" once the remote is back', async () => {
    const { page } = d;
    await remote.start();
    await page.goto(`${d.url}/models/${seeded.model}`);
    await page.getByTestId('mirror-sync').click();
    await page.getByTestId('mirror-read-only').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.getByTestId('alias-apply').isDisabled()).toBe(false);
    expect(await page.getByTestId('promote-1').isDisabled()).toBe(false);
    expect(await page.getByTestId('mirror-synced').textContent()).toMatch(/^synced \d+s ago$/);
    expect(d.consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
