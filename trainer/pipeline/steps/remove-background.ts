// Step 1 for a list of images: background removal in the worker pool, `<name>_no_bg.png` (RGBA, transparent
// background) per image. A file that cannot be read or has no part to cut out is skipped with its reason.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoveBackgroundOptions } from '../background/options.ts';
import type { StepReport } from '../report.ts';
import { mapConcurrent, type WorkerPool } from '../workers/pool.ts';
import { keptOf, reasonFor, type StepImage, type StepOutput } from './outcome.ts';

export interface NamedInput {
  source: string;
  /** Base name of the outputs (the stem, or `<type>_<NNN>` with rename_images). */
  name: string;
}

export async function removeBackgrounds(inputs: readonly NamedInput[], outDir: string, options: RemoveBackgroundOptions, pool: WorkerPool, report: StepReport): Promise<StepOutput> {
  await mkdir(outDir, { recursive: true });
  let done = 0;
  const results = await mapConcurrent(inputs, Math.min(pool.size, options.max_workers), async ({ source, name }) => {
    const file = join(outDir, `${name}_no_bg.png`);
    try {
      // GrabCut uses OpenCV, which only the pool's OpenCV lane may load.
      await pool.run('removeBackground', { file: source, outFile: file, options }, { opencv: options.grabcut });
      return { kept: { source, file } satisfies StepImage };
    } catch (err) {
      return { skipped: { file: source, step: 'remove_bg' as const, reason: reasonFor(source, err) } };
    } finally {
      report.progress(++done, inputs.length);
    }
  });
  const output: StepOutput = { kept: results.flatMap((r) => (r.kept ? [r.kept] : [])), skipped: results.flatMap((r) => (r.skipped ? [r.skipped] : [])) };
  report.end(keptOf(inputs.length, output.skipped.length));
  return output;
}
