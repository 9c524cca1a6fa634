// `pixal validate -i <component>/ (--run RUN_ID | --model models:/NAME@ALIAS)...`: new images through the models
// picked by run ID or registry URI, with honest metrics where labels exist, logged as validation runs; `pixal detect`
// does the same on images an earlier validate prepared.
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { collect, existingDir, pipelineSettings, withPipelineOptions, type PipelineFlags } from '../pipeline-options.ts';
import { withJsonProgress } from '../progress-json.ts';

interface ValidateFlags extends PipelineFlags {
  input: string;
  run: string[];
  model: string[];
  modelCache?: string;
  device: 'cpu' | 'gpu' | 'wasm';
  progressJson?: boolean;
}

/** The model flags validate and detect share. */
function withModelOptions(command: Command): Command {
  return withPipelineOptions(command)
    .option('--run <run_id>', 'a training run whose model/ to use (repeatable: one model per type)', collect, [])
    .option('--model <uri>', 'a model URI: models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/model (repeatable)', collect, [])
    .option('--model-cache <dir>', 'where downloaded models are kept, by run (default: PIXAL_MODEL_CACHE, else ~/.cache/pixal/models)')
    .option('--device <device>', 'cpu, gpu or wasm (as for train)', 'cpu')
    .option('--progress-json', 'also print each progress update as a JSON line {"stage","done","total"} on stdout (for programs that run this command)');
}

async function run(flags: ValidateFlags, prepared: boolean): Promise<void> {
  const settings = pipelineSettings(flags);
  if (flags.progressJson) settings.reporter = withJsonProgress(settings.reporter);
  const componentDir = existingDir('-i', flags.input);
  const refs = [...flags.run.map((runId) => ({ runId })), ...flags.model.map((uri) => ({ uri }))];
  if (refs.length === 0) throw new ConfigError(['give the model with --run RUN_ID or --model models:/NAME@ALIAS'], 'invalid flag');
  const { initBackend } = await import('../../model/backend.ts');
  const { openTracking } = await import('../../runs/tracking.ts');
  const { fetchModel, defaultModelCache } = await import('../../validation/model-source.ts');
  const { validateComponent, validationLines } = await import('../../validation/validate.ts');
  const { WorkerPool } = await import('../../pipeline/workers/pool.ts');
  const backend = await initBackend(flags.device);
  if (backend.fallbackReason) settings.reporter.warn(`native TensorFlow is not available (${backend.fallbackReason}); running on ${backend.name}`);
  const tracking = await openTracking({ dir: process.cwd(), host: '127.0.0.1', port: 0 });
  // OpenCV lives on one worker thread per process for good: one pool for the whole command.
  const pool = prepared ? undefined : new WorkerPool(settings.workers);
  try {
    const models = [];
    for (const ref of refs) models.push(await fetchModel(tracking.client, ref, flags.modelCache ?? defaultModelCache()));
    const outcome = await validateComponent({ client: tracking.client, componentDir, models, config: settings.config, paths: settings.paths, prepared, ...(pool ? { pool } : {}), reporter: settings.reporter });
    settings.reporter.close();
    console.log(validationLines(outcome).join('\n'));
    process.exitCode = outcome.validations.every((v) => v.status === 'FINISHED') ? 0 : 1;
  } finally {
    settings.reporter.close();
    await pool?.close();
    await tracking.close();
  }
}

export function registerValidateCommands(program: Command): void {
  withModelOptions(
    program
      .command('validate')
      .description('Preprocess new images as at training, detect anomalies with models picked by run ID or registry URI, and log a validation run')
      .requiredOption('-i, --input <component>', 'component folder: one sub-folder per type, plain images or the MVTec AD layout (good/, <defect>/, ground_truth/)'),
  ).action((flags: ValidateFlags) => run(flags, false));
  withModelOptions(
    program
      .command('detect')
      .description('Score images an earlier pixal validate prepared (validate/<component>/), with another model or threshold, without preprocessing again')
      .requiredOption('-i, --input <dir>', 'prepared component folder validate/<component>/ (type folders with prepared.json)'),
  ).action((flags: ValidateFlags) => run(flags, true));
}
