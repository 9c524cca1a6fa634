// `pixal synth` flexes preprocessed at pool 2, the runs fixture's otherwise: maps of about 26x66, room for a grid
// of 16-pixel tiles (pool 4 leaves 13x33, smaller than the smallest tile).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../trainer/config/schema.ts';
import { COMPONENT, IMAGES_PER_TYPE, pixal, PREPROCESS_SETS, setFlags, tinyConfig, type SynthComponent } from '../runs/fixture.ts';

export const POOL_SET = 'preprocessing.preprocessor.pool_size=2';

/** The runs fixture's tiny training at pool 2, with `sets` over it. */
export function tinyTiledConfig(sets: readonly string[] = []): Config {
  return tinyConfig([POOL_SET, ...sets]);
}

export async function synthTiledComponent(): Promise<SynthComponent> {
  const root = mkdtempSync(join(tmpdir(), 'pixal-tiles-'));
  const steps: [string, string[]][] = [
    ['pixal synth', ['synth', '-o', 'data', '--train', String(IMAGES_PER_TYPE), '--test-good', '0', '--test-defective', '0', '--size', '160x90', '--quiet']],
    ['pixal preprocess', ['preprocess', '-i', join('data', 'train', COMPONENT), '--quiet', ...setFlags([...PREPROCESS_SETS, POOL_SET])]],
  ];
  for (const [what, args] of steps) {
    const { code, stdout, stderr } = await pixal(args, root);
    if (code !== 0) throw new Error(`${what} exited with ${code}:\n${stdout}\n${stderr}`);
  }
  return { root, componentDir: join(root, 'out', COMPONENT) };
}
