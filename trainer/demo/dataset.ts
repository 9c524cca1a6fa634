// The demo's synthetic dataset in <dir>/data: made with `pixal synth`'s API, reused when its manifest says it
// was made with the same seed and options. A new one is written beside the old one and renamed into place,
// so <dir>/data is always a complete dataset (an interrupted demo leaves only data.partial, removed next time).
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { SynthOptions, typesOf } from '../synth/options.ts';
import { manifestOptions, synthesize } from '../synth/generate.ts';
import { DEMO_COMPONENT, DEMO_DATASET } from './options.ts';

export interface DemoDataset {
  root: string;
  /** <root>/train/<component>: one folder of good images per type. */
  trainDir: string;
  /** What happened: made now, reused as it was, or made again because the seed or options changed. */
  action: 'generated' | 'reused' | 'regenerated';
  /** Why an existing dataset was replaced. */
  changes: string[];
}

const manifestSchema = z.object({ generator: z.literal('pixal synth'), seed: z.number(), options: z.record(z.string(), z.unknown()) });

/** The manifest's `seed` and `options` that `pixal synth` writes for these options. */
function expectedManifest(options: SynthOptions): { seed: number; options: Record<string, unknown> } {
  return { seed: options.seed, options: manifestOptions(options, options.size!, typesOf(options)) };
}

/** Differences between an existing dataset's manifest and the wanted one; an empty list means the same dataset. */
function differences(root: string, wanted: ReturnType<typeof expectedManifest>): string[] {
  const file = join(root, 'manifest.json');
  let manifest: z.infer<typeof manifestSchema>;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    // Not provably ours: never delete what may be someone's data.
    throw new Error(`${root} exists but ${file} is missing or was not written by pixal synth: move that folder away or choose another --dir`);
  }
  const changes = manifest.seed === wanted.seed ? [] : [`seed ${manifest.seed} -> ${wanted.seed}`];
  for (const [key, value] of Object.entries(wanted.options))
    if (!isDeepStrictEqual(manifest.options[key], value)) changes.push(`${key} ${JSON.stringify(manifest.options[key])} -> ${JSON.stringify(value)}`);
  return changes;
}

export async function ensureDataset(
  dir: string,
  seed: number,
  size: { width: number; height: number },
  onProgress?: (done: number, total: number) => void,
): Promise<DemoDataset> {
  const root = join(dir, 'data');
  const partial = join(dir, 'data.partial');
  const options = SynthOptions.parse({ output: partial, component: DEMO_COMPONENT, seed, size, ...DEMO_DATASET });
  const trainDir = join(root, 'train', DEMO_COMPONENT);
  const exists = existsSync(root);
  const changes = exists ? differences(root, expectedManifest(options)) : [];
  if (exists && changes.length === 0) return { root, trainDir, action: 'reused', changes };

  await rm(partial, { recursive: true, force: true });
  await synthesize(options, onProgress);
  if (exists) await rm(root, { recursive: true, force: true });
  await rename(partial, root);
  return { root, trainDir, action: exists ? 'regenerated' : 'generated', changes };
}
