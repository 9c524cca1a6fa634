// Within one sweep, preprocessing configs that differ only in make_input's options share one remove_bg + align
// pass: the later variant writes no step images of its own, yet its dataset and alignment reference are complete.
// A variant that aligns differently does every step again.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../trainer/config/load.ts';
import { pathsUnder } from '../../../trainer/demo/paths.ts';
import type { Reporter } from '../../../trainer/pipeline/report.ts';
import { WorkerPool } from '../../../trainer/pipeline/workers/pool.ts';
import { synthesize } from '../../../trainer/synth/generate.ts';
import { PreprocessingCache, type CachedPreprocessing } from '../../../trainer/sweep/preprocessing-cache.ts';

const root = mkdtempSync(join(tmpdir(), 'pixal-sweep-cache-'));
const componentDir = join(root, 'data', 'train', 'flex');
const steps: string[] = [];
const reporter: Reporter = { step: (label) => ({ progress: () => {}, end: (outcome) => steps.push(`${label}: ${outcome}`) }), warn: () => {} };
const base = ['preprocessing.alignment.apply_alignment=true', 'preprocessing.preprocessor.channels=RGB', 'preprocessing.preprocessor.weights=[1, 1, 1]'];
const config = (...sets: string[]) => loadConfig({ sets: [...base, ...sets] });
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe('PreprocessingCache', () => {
  const pool = new WorkerPool(2);
  const paths = pathsUnder(root);
  let first: CachedPreprocessing;
  let pooled: CachedPreprocessing;
  let realigned: CachedPreprocessing;

  beforeAll(async () => {
    await synthesize({ output: join(root, 'data'), types: ['front'], train: 4, testGood: 1, testDefective: 1, defects: ['scratch'], size: { width: 320, height: 180 } });
    const cache = new PreprocessingCache(componentDir);
    first = await cache.ensure({ config: config('preprocessing.preprocessor.pool_size=8'), paths, pool, reporter });
    pooled = await cache.ensure({ config: config('preprocessing.preprocessor.pool_size=4', 'preprocessing.preprocessor.channels=HSV'), paths, pool, reporter });
    realigned = await cache.ensure({ config: config('preprocessing.preprocessor.pool_size=4', 'preprocessing.alignment.max_features=500'), paths, pool, reporter });
  }, 240_000);
  afterAll(async () => {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  });

  const typeDir = (c: CachedPreprocessing) => join(c.componentDir, 'front');
  const alignedImages = (c: CachedPreprocessing) => files(join(typeDir(c), 'preprocessed_images', 'aligned_images')).filter((f) => f.endsWith('.png'));

  it('gives each config its own complete dataset and alignment reference', () => {
    expect(new Set([first.key, pooled.key, realigned.key]).size).toBe(3);
    for (const c of [first, pooled, realigned]) {
      expect(existsSync(join(typeDir(c), 'out.npz')), `${c.key} dataset`).toBe(true);
      expect(existsSync(join(typeDir(c), 'metadata', 'alignment_reference.png')), `${c.key} reference`).toBe(true);
    }
  });

  it('runs remove_bg and align once for configs that differ only in make_input options', () => {
    expect(alignedImages(first)).toHaveLength(4);
    expect(alignedImages(pooled)).toHaveLength(0);
    expect(steps.filter((s) => s.startsWith('front: remove_bg, align: reused from '))).toHaveLength(1);
  });

  it('aligns again when the alignment settings differ', () => {
    expect(alignedImages(realigned)).toHaveLength(4);
    expect(steps.filter((s) => s.startsWith('front: align:'))).toHaveLength(2);
  });
});
