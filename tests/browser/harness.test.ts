// The harness itself: the real server answers, Chromium loads the built dashboard at / without
// console errors, the REST seeders leave what they promise, and screenshots land in tests/output.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { seedDemo, type DemoSeed } from './seed.ts';

describe('browser harness', () => {
  let d: Dashboard<DemoSeed>;
  beforeAll(async () => {
    d = await startDashboard({ seed: ({ url }) => seedDemo(url) });
  });
  afterAll(async () => {
    await d?.close();
  });

  it('serves the dashboard at / and Chromium loads it without console errors', async () => {
    const response = await d.page.goto(`${d.url}/`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    expect(await d.page.locator('#root, body').first().innerHTML()).not.toBe('');
    const shot = await d.screenshot('home');
    expect(existsSync(shot)).toBe(true);
    expect(d.consoleErrors).toEqual([]);
  });

  it('seeds runs, a nested sweep, a registered model with an alias and a validation with PNG plots', async () => {
    const s = d.seeded;
    const api = (path: string, body?: object) =>
      fetch(`${d.url}/api/2.0/mlflow/${path}`, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}).then(
        (r) => r.json() as Promise<Record<string, any>>, // eslint-disable-line @typescript-eslint/no-explicit-any
      );
    const search = await api('runs/search', { experiment_ids: [s.experimentId], max_results: 1000 });
    expect(search.runs).toHaveLength(8 + 1 + 6 + 1);
    const children = search.runs.filter((r: { data: { tags?: { key: string; value: string }[] } }) =>
      r.data.tags?.some((t) => t.key === 'mlflow.parentRunId' && t.value === s.sweep.parentRunId),
    );
    expect(children).toHaveLength(6);
    const alias = await api(`registered-models/alias?name=flex-ae&alias=production`);
    expect(alias.model_version.version).toBe('1');
    const history = await api(`metrics/get-history?run_id=${s.runIds[0]}&metric_key=loss`);
    expect(history.metrics).toHaveLength(12);
    for (const plot of s.validation.plots) {
      const res = await fetch(`${d.url}/get-artifact?run_uuid=${s.validation.runId}&path=${plot}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    }
  });
});
