// End to end: the real CLI on a small component made from the real flex photo, alignment on.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { makeComponent, runPixal, type CliRun } from './component-fixture.ts';

const PYTHON = '.venv/bin/python';

/** What numpy sees in an .npz: each array's shape and dtype, and the `shape` array's values. */
function readNpz(file: string): { arrays: Record<string, [number[], string]>; shape: number[]; files: string[] } {
  const script = [
    'import json, sys, numpy as np',
    'z = np.load(sys.argv[1])',
    'print(json.dumps({"arrays": {k: [list(z[k].shape), str(z[k].dtype)] for k in z.files}, "shape": z["shape"].tolist(), "files": z["files"].tolist()}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' })) as ReturnType<typeof readNpz>;
}

describe('pixal preprocess -i <component>', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pixal-preprocess-'));
  let run: CliRun;

  beforeAll(async () => {
    const component = await makeComponent(cwd);
    // PIXAL's two channels and pool 2 (the defaults are LAB, pool 4): the assertions below name them.
    const pixal = ['preprocessing.preprocessor.channels=[LAB_a, LAB_b]', 'preprocessing.preprocessor.weights=[3, 3]', 'preprocessing.preprocessor.pool_size=2'];
    run = await runPixal(['preprocess', '-i', component, '-j', '2', '--set', 'preprocessing.alignment.apply_alignment=true', ...pixal.flatMap((s) => ['--set', s])], cwd);
  }, 180_000);

  it('exits 0 and writes one dataset per type that numpy reads with the right shape', () => {
    expect(run.code, run.stderr).toBe(0);
    for (const type of ['front', 'back']) {
      const file = join(cwd, 'out', 'flex_f1', type, 'out.npz');
      expect(existsSync(file), file).toBe(true);
      const npz = readNpz(file);
      const [height, width] = npz.shape as [number, number];
      expect(npz.arrays.data).toEqual([[3, height * width, 2], 'float32']);
      expect(npz.arrays.mask).toEqual([[3, height * width], 'float32']);
      // rename_images (default true): outputs are named <type>_<NNN> in input order
      expect(npz.files).toEqual(type === 'front' ? ['front_001_no_bg.png', 'front_002_no_bg.png', 'front_003_no_bg.png'] : ['back_000_no_bg.png', 'back_001_no_bg.png', 'back_002_no_bg.png']);
    }
  });

  it('records the crop box and the pooled shape in metadata/preprocessing.yaml', () => {
    const metadata = YAML.parse(readFileSync(join(cwd, 'out/flex_f1/front/metadata/preprocessing.yaml'), 'utf8')) as Record<string, unknown>;
    const box = metadata.crop_box as Record<string, number>;
    expect(Object.keys(box).sort()).toEqual(['padding', 'x_max', 'x_min', 'y_max', 'y_min']);
    expect(box.padding).toBe(5);
    expect(box.y_max! - box.y_min!).toBeGreaterThan(20);
    expect(metadata.shape).toEqual([Math.floor((box.y_max! - box.y_min!) / 2), Math.floor((box.x_max! - box.x_min!) / 2)]);
    expect(readFileSync(join(cwd, 'out/flex_f1/front/metadata/names.csv'), 'utf8')).toBe('input,name\nbroken.jpg,front_000\nimg_0.jpg,front_001\nimg_1.jpg,front_002\nimg_2.jpg,front_003\n');
  });

  it('reports the corrupt file by name, skips it, and summarises every type', () => {
    expect(run.stdout).toContain('preprocess flex_f1: 2 of 2 types produced a dataset');
    expect(run.stdout).toMatch(/front: 3 of 4 images -> out\/flex_f1\/front\/out\.npz/);
    expect(run.stdout).toMatch(/skipped broken\.jpg at remove_bg: cannot read image/);
    // not a TTY: one line per finished step instead of bars
    expect(run.stderr).toMatch(/^front: remove_bg: 3 of 4 images, 1 skipped \(/m);
    expect(run.stderr).toMatch(/^back: align: 3 of 3 images \(/m);
    expect(readFileSync(join(cwd, 'out/flex_f1/front/logs/preprocessing.log'), 'utf8')).toContain('broken.jpg: skipped at remove_bg');
  });

  it('writes the alignment results where paths.yaml says', () => {
    const csv = readFileSync(join(cwd, 'out/flex_f1/back/figures/aligned_metrics/results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv.slice(1).every((row) => row.split(',')[1] === 'true')).toBe(true);
  });
});

describe('pixal preprocess without a usable type', () => {
  it('reports each type, leaves no dataset and exits 1', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pixal-preprocess-'));
    const component = join(cwd, 'bare');
    mkdirSync(join(component, 'empty'), { recursive: true });
    mkdirSync(join(component, 'corrupt'), { recursive: true });
    writeFileSync(join(component, 'corrupt', 'half.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
    const run = await runPixal(['preprocess', '-i', component, '--quiet'], cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('preprocess bare: 0 of 2 types produced a dataset');
    expect(run.stdout).toMatch(/empty: failed: no images in .*bare\/empty/);
    expect(run.stdout).toMatch(/corrupt: failed: no image left after remove_bg\n\s+skipped half\.png at remove_bg: cannot read image/);
    expect(run.stderr).toBe('');
    expect(existsSync(join(cwd, 'out/bare/corrupt/out.npz'))).toBe(false);
  });
});
