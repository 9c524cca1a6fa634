// Preprocessing once per distinct preprocessing config in a sweep: the datasets of a config go under
// <out_path>/sweep-cache/<key>/ (paths.yaml's layout, its out_path root moved there), where <key> hashes what
// the datasets depend on: the preprocessing section, the one-hot flag (labels are written by preprocessing),
// and the input images (names, sizes, modification times). A later sweep with the same key reuses them.
// Within one sweep, configs that differ only in make_input's options (channels, pooling, ...) share one
// remove_bg + align pass: the later ones take the first one's images and run make_input alone.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { PathsConfig } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import { listImages, listTypes, preprocessComponent, summaryLines, type ComponentOutcome, type TypeImageSteps } from '../pipeline/preprocess.ts';
import type { Reporter } from '../pipeline/report.ts';
import type { WorkerPool } from '../pipeline/workers/pool.ts';
import { resolveChannels } from '../pipeline/features/options.ts';

const COMPLETE_FILE = 'complete.json';

/** The inputs' identity: every image file of every type folder with its size and modification time. */
async function inputListing(componentDir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const type of await listTypes(componentDir)) {
    for (const file of await listImages(join(componentDir, type))) {
      const s = await stat(file);
      lines.push(`${type}/${basename(file)} ${s.size} ${Math.round(s.mtimeMs)}`);
    }
  }
  return lines;
}

export function cacheKey(config: Config, listing: readonly string[]): string {
  // Channels as the dataset will have them: `LAB_ab` and [LAB_a, LAB_b] make the same dataset.
  const preprocessor = { ...config.preprocessing.preprocessor, channels: resolveChannels(config.preprocessing.preprocessor.channels) };
  const preprocessing = { ...config.preprocessing, preprocessor };
  const identity = JSON.stringify({ preprocessing, one_hot: config.model_training.one_hot_encoding, inputs: listing });
  return createHash('sha256').update(identity).digest('hex').slice(0, 12);
}

/** What remove_bg and align depend on: a config that agrees on these can reuse their images. */
export function imageStepsKey(config: Config): string {
  const { remove_background, alignment, rename_images } = config.preprocessing;
  return JSON.stringify({ remove_background, alignment, rename_images });
}

export interface CachedPreprocessing {
  key: string;
  /** out/sweep-cache/<key>/<component>/: the preprocessed type folders, as pixal train -i takes them. */
  componentDir: string;
  /** The paths layout of this variant (models of its runs go under it too). */
  paths: PathsConfig;
  cached: boolean;
  summary: string[];
}

export interface EnsureParams {
  config: Config;
  paths: PathsConfig;
  /** One pool for every variant: see PreprocessParams.pool. */
  pool: WorkerPool;
  reporter: Reporter;
}

export class PreprocessingCache {
  private listing: Promise<string[]> | undefined;
  private readonly done = new Map<string, Promise<CachedPreprocessing>>();
  /** remove_bg + align results per imageStepsKey, from this sweep's preprocessings. */
  private readonly imageSteps = new Map<string, Map<string, TypeImageSteps>>();

  constructor(private readonly componentDir: string) {}

  /** The datasets for `config`, preprocessed now unless an earlier run (or sweep) left them complete. */
  async ensure(p: EnsureParams): Promise<CachedPreprocessing> {
    this.listing ??= inputListing(this.componentDir);
    const key = cacheKey(p.config, await this.listing);
    let entry = this.done.get(key);
    if (!entry) {
      entry = this.preprocess(key, p);
      this.done.set(key, entry);
    }
    return entry;
  }

  private async preprocess(key: string, p: EnsureParams): Promise<CachedPreprocessing> {
    const root = join(p.paths.resolve('out_path'), 'sweep-cache', key);
    const paths = p.paths.withRoot('out_path', root);
    const component = basename(this.componentDir);
    const componentDir = resolve(paths.resolve('component_model_path', { component }));
    const marker = join(root, COMPLETE_FILE);
    if (existsSync(marker)) {
      const outcome = JSON.parse(await readFile(marker, 'utf8')) as ComponentOutcome;
      return { key, componentDir, paths, cached: true, summary: summaryLines(`preprocessing ${key} (cached)`, outcome) };
    }
    const stepsKey = imageStepsKey(p.config);
    const reuse = this.imageSteps.get(stepsKey);
    const recorded = new Map<string, TypeImageSteps>();
    const outcome = await preprocessComponent({
      componentDir: this.componentDir,
      component,
      config: p.config,
      paths,
      workers: p.pool.size,
      pool: p.pool,
      reporter: p.reporter,
      ...(reuse ? { reuseImageSteps: reuse } : { onImageSteps: (type, steps) => recorded.set(type, steps) }),
    });
    if (!reuse) this.imageSteps.set(stepsKey, recorded);
    const summary = summaryLines(`preprocessing ${key}`, outcome);
    if (!outcome.types.some((t) => t.dataset)) throw new Error(summary.join('\n'));
    await writeFile(marker, `${JSON.stringify(outcome, null, 2)}\n`);
    return { key, componentDir, paths, cached: false, summary };
  }
}
