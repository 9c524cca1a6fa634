import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerPool, WorkerTaskError, mapConcurrent } from '../../../../trainer/pipeline/workers/pool.ts';
import { RemoveBackgroundOptions } from '../../../../trainer/pipeline/background/options.ts';
import { AlignmentOptions } from '../../../../trainer/pipeline/align/options.ts';
import { makeComponent } from '../component-fixture.ts';

describe('WorkerPool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pixal-pool-'));
  const pool = new WorkerPool(2);
  let component: string;
  beforeAll(async () => {
    component = await makeComponent(dir);
  });
  afterAll(() => pool.close());

  it('runs per-image tasks in worker threads and names the file a task failed on', async () => {
    const options = RemoveBackgroundOptions.parse({});
    const files = ['img_0.jpg', 'img_1.jpg', 'broken.jpg'].map((f) => join(component, 'front', f));
    const results = await Promise.allSettled(files.map((file, i) => pool.run('removeBackground', { file, outFile: join(dir, `${i}.png`), options })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const ok = (results[0] as PromiseFulfilledResult<{ width: number; foreground: number }>).value;
    expect(ok.width).toBe(480);
    expect(ok.foreground).toBeGreaterThan(0.05);
    const failure = (results[2] as PromiseRejectedResult).reason as WorkerTaskError;
    expect(failure).toBeInstanceOf(WorkerTaskError);
    expect(failure.file).toBe(files[2]);
    expect(failure.message).toMatch(/broken\.jpg: cannot read image/);
  });

  it('keeps OpenCV on one worker, so concurrent alignments do not abort the process', async () => {
    const options = AlignmentOptions.parse({ save_metrics: false });
    const files = [join(dir, '0.png'), join(dir, '1.png')];
    const progress: number[] = [];
    const runs = await Promise.all(
      [0, 1].map((i) => pool.run('alignFolder', { files, referenceFile: files[0]!, outDir: join(dir, `aligned${i}`), options }, { opencv: true, onProgress: (done) => progress.push(done) })),
    );
    expect(runs.map((r) => r.accepted)).toEqual([2, 2]);
    expect(existsSync(join(dir, 'aligned1', '1.png'))).toBe(true);
    expect(progress.sort()).toEqual([1, 1, 2, 2]);
  });
});

describe('mapConcurrent', () => {
  it('keeps input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapConcurrent([30, 10, 20, 5, 15], 2, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});
