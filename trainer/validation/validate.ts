// `pixal validate`: new images of a component, each type folder matched to a model that serves its type (one-hot
// models serve all theirs), preprocessed exactly as at training from the model's stored metadata, scored, and
// judged against thresholds (thresholds.ts). Each model's validation becomes an MLflow run of its own, in the
// training run's experiment (tags pixal.kind=validation, pixal.source_run_id, the model URI, the dataset digest),
// created only once everything is computed, so a failure never leaves half a run; its headline metrics are also
// logged on the training run (validation.<metric>) so training runs sort by their latest validation.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import type { PathsConfig } from '../config/paths.ts';
import { flattenParams } from '../config/params.ts';
import type { Config } from '../config/schema.ts';
import { VALUE_LIMITS } from '../mlflow/batch.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import { listTypes } from '../pipeline/preprocess.ts';
import type { Reporter } from '../pipeline/report.ts';
import type { WorkerPool } from '../pipeline/workers/pool.ts';
import { detectorOf } from '../tiling/detect.ts';
import { storedTileThresholds, tileThresholdTag, withTileThresholds } from '../tiling/tile-thresholds.ts';
import { PIXAL_VERSION } from '../version.ts';
import { detectType, type TypeDetection } from './detect.ts';
import { writeFigures } from './figures.ts';
import type { TrainedModel } from './model-source.ts';
import { prepareValidationSet, type PreparedSet } from './prepare.ts';
import { loadPreparedSet, PREPARED_FILE, savePreparedSet } from './prepared-store.ts';
import type { PreprocessingMetadata } from '../pipeline/features/metadata.ts';
import { HEADLINE_METRICS, mergedPixels, scoresCsv, summarise, type ValidationSummary } from './results.ts';
import { chooseThresholds, storedThresholds, THRESHOLD_TAGS, type MapUnits, type Thresholds } from './thresholds.ts';

export interface ValidateParams {
  client: MlflowClient;
  /** Raw images: <component>/<type>/ (plain images or the MVTec AD layout). */
  componentDir: string;
  models: TrainedModel[];
  /** The user's config: its plotting and detection sections decide scores, thresholds and figures. */
  config: Config;
  paths: PathsConfig;
  /** Set for `pixal detect`: componentDir holds type folders prepared by an earlier validate (prepared.json). */
  prepared?: boolean;
  pool?: WorkerPool;
  reporter: Reporter;
}

export interface ModelValidation {
  model: TrainedModel;
  types: string[];
  status: 'FINISHED' | 'FAILED';
  runId?: string;
  summary?: ValidationSummary;
  thresholds?: Thresholds;
  /** The units its maps were scored in: per-pixel normalised, or raw (normalisation none, or no reference). */
  normalisation?: MapUnits;
  /** Local copy of the run's artifacts. */
  stage?: string;
  skipped: { type: string; file: string; reason: string }[];
  error?: string;
}

export interface ValidateOutcome {
  component: string;
  validations: ModelValidation[];
  /** Type folders no model serves. */
  unmatched: string[];
}

export class ValidationError extends Error {}

/** Each type folder with the model that serves it; the types no model serves. */
export function matchTypes(types: readonly string[], models: readonly TrainedModel[]): { matched: Map<TrainedModel, string[]>; unmatched: string[] } {
  const matched = new Map<TrainedModel, string[]>();
  const unmatched: string[] = [];
  for (const type of types) {
    const model = models.find((m) => m.types.has(type));
    if (model) matched.set(model, [...(matched.get(model) ?? []), type]);
    else unmatched.push(type);
  }
  return { matched, unmatched };
}

async function digestOf(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 16);
}

export async function validateComponent(p: ValidateParams): Promise<ValidateOutcome> {
  const component = basename(p.componentDir);
  const types = p.prepared ? (await listTypes(p.componentDir)).filter((t) => existsSync(join(p.componentDir, t, PREPARED_FILE))) : await listTypes(p.componentDir);
  if (types.length === 0) throw new ValidationError(`${p.componentDir}: no type folder with ${PREPARED_FILE}: pixal detect scores what pixal validate prepared (validate/<component>/)`);
  const { matched, unmatched } = matchTypes(types, p.models);
  if (matched.size === 0) {
    const served = p.models.map((m) => `${m.ref} serves ${[...m.types.keys()].join(', ')}`).join('; ');
    throw new ValidationError(`${p.componentDir}: no type folder (${types.join(', ')}) has a model: ${served}`);
  }
  for (const type of unmatched) p.reporter.warn(`${type}: no model serves this type; skipped`);
  const validations: ModelValidation[] = [];
  for (const [model, modelTypes] of matched) validations.push(await validateModel(p, component, model, modelTypes));
  return { component, validations, unmatched };
}

/** New images of one type through the model's preprocessing, kept on disk for `pixal detect`. */
async function prepare(p: ValidateParams, component: string, type: string, metadata: PreprocessingMetadata, referenceFile: string | undefined, model: TrainedModel): Promise<PreparedSet> {
  if (!p.pool) throw new Error('validate needs a worker pool to preprocess images');
  const out = p.paths.outputs('validate', component, type);
  const set = await prepareValidationSet({ typeDir: join(p.componentDir, type), out, metadata, ...(referenceFile ? { referenceFile } : {}), preprocessing: model.config.preprocessing, pool: p.pool, reporter: p.reporter });
  await savePreparedSet(out.root, set, metadata);
  return set;
}

async function validateModel(p: ValidateParams, component: string, model: TrainedModel, types: string[]): Promise<ModelValidation> {
  const result: ModelValidation = { model, types, status: 'FAILED', skipped: [] };
  try {
    const sets: PreparedSet[] = [];
    for (const type of types) {
      const { metadata, referenceFile } = model.types.get(type)!;
      const set = p.prepared ? await loadPreparedSet(join(p.componentDir, type), metadata) : await prepare(p, component, type, metadata, referenceFile, model);
      result.skipped.push(...set.skipped.map((s) => ({ type, file: s.file, reason: `${s.step}: ${s.reason}` })));
      sets.push(set);
    }
    // All of a model's types in one unit, so that its thresholds (over all of them) compare like with like.
    const references = p.config.detection.normalisation === 'per_pixel' && types.every((t) => model.errorReferences?.has(t)) ? model.errorReferences : undefined;
    if (p.config.detection.normalisation === 'per_pixel' && !references) {
      p.reporter.warn(`run ${model.runId}: no per-pixel error reference for ${types.join(', ')} (trained before pixal stored one); scored without normalisation`);
    }
    const units: MapUnits = references ? 'per_pixel' : 'none';
    result.normalisation = units;
    const sourceRun = await p.client.getRun(model.runId);
    const sourceTags = Object.fromEntries(sourceRun.data.tags.map((t) => [t.key, t.value]));
    const storedTiles = storedTileThresholds(sourceTags);
    const detector = detectorOf(model, { detection: p.config.detection, plotting: p.config.plotting, ...(storedTiles ? { stored: storedTiles } : {}), sourceRunId: model.runId });
    const detections: TypeDetection[] = [];
    for (const set of sets) {
      const step = p.reporter.step(`${set.type}: detect`, set.items.length * 2);
      const reference = references?.get(set.type);
      detections.push(
        await detectType({ model: detector, set, channelWeights: model.config.preprocessing.preprocessor.weights, options: p.config.detection, ...(reference ? { reference } : {}), onProgress: (d, t) => step.progress(d, t) }),
      );
      step.end(`${set.items.length} images`);
    }

    const rows = detections.flatMap((d) => d.items.map((item, i) => ({ score: d.scores[i]!, label: item.label })));
    const chosen = chooseThresholds({
      detection: p.config.detection,
      plotting: p.config.plotting,
      scores: rows.map((r) => r.score),
      labels: rows.map((r) => r.label),
      pixels: mergedPixels(detections),
      stored: storedThresholds(sourceTags),
      normalisation: units,
      sourceRunId: model.runId,
    });
    const thresholds = withTileThresholds(chosen, detections);
    const summary = summarise(detections, thresholds);
    result.summary = summary;
    result.thresholds = thresholds;

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const stage = join(p.paths.resolve('validate_out_path'), component, 'validations', `${stamp}-${model.runId.slice(0, 8)}`);
    result.stage = stage;
    await mkdir(stage, { recursive: true });
    await writeFile(join(stage, 'scores.csv'), scoresCsv(summary.rows));
    const sourceName = sourceRun.info.runName ?? model.runId;
    const figures = p.reporter.step('figures', 1);
    await writeFigures({ stage, title: `${sourceName} on ${component}`, detections, summary, thresholds, plotting: p.config.plotting, detection: p.config.detection, onOverlay: (d, t) => figures.progress(d, t) });
    figures.end('written');
    const datasetDigest = await digestOf(sets.map((s) => s.datasetFile));
    await mkdir(join(stage, 'metadata'), { recursive: true });
    await writeFile(
      join(stage, 'metadata', 'validation.yaml'),
      YAML.stringify({ model: model.ref, model_uri: model.uri, source_run_id: model.runId, component, types, input: p.componentDir, dataset_digest: datasetDigest, normalisation: units, thresholds, metrics: summary.metrics, skipped: result.skipped }),
    );

    // Everything is computed: now the run, in one go.
    const run = await p.client.createRun({
      experimentId: sourceRun.info.experimentId,
      runName: `validate-${sourceName}-${component}`,
      tags: {
        'pixal.kind': 'validation',
        'pixal.source_run_id': model.runId,
        'pixal.model_uri': model.uri,
        'pixal.model_ref': model.ref,
        'pixal.component': component,
        'pixal.type': types.join(','),
        'pixal.dataset_digest': datasetDigest,
        'pixal.threshold_origin': thresholds.origin.slice(0, VALUE_LIMITS.tag),
        'pixal.normalisation': units,
        'pixal.version': PIXAL_VERSION,
        'mlflow.source.name': p.prepared ? 'pixal detect' : 'pixal validate',
        ...(model.modelVersion ? { 'pixal.model_name': model.modelVersion.name, 'pixal.model_version': model.modelVersion.version } : {}),
      },
    });
    result.runId = run.info.runId;
    const logger = p.client.runLogger(result.runId);
    logger.logParams({ ...flattenParams(p.config.detection, 'detection'), ...flattenParams(p.config.plotting, 'plotting'), input: p.componentDir.slice(0, VALUE_LIMITS.param), model_uri: model.uri });
    logger.logMetrics(summary.metrics);
    await logger.flush();
    await (await p.client.runArtifacts(result.runId)).logDirectory(stage);
    const close = await logger.close({ endStatus: 'FINISHED' });
    if (!close.drained) throw new ValidationError(close.message);

    const tileTag = tileThresholdTag(detections, units, result.runId);
    if (tileTag && 'tooLong' in tileTag) p.reporter.warn(`run ${model.runId}: the per-tile thresholds (${tileTag.tooLong} characters) do not fit in a tag; not stored`);
    const headline = Object.fromEntries(HEADLINE_METRICS.filter((k) => summary.metrics[k] !== undefined).map((k) => [`validation.${k}`, summary.metrics[k]!]));
    const timestamp = Date.now();
    await p.client.logBatch(model.runId, {
      metrics: Object.entries(headline).map(([key, value]) => ({ key, value, step: 0, timestamp })),
      tags: [
        { key: 'pixal.last_validation_run_id', value: result.runId },
        ...(thresholds.learned
          ? [
              { key: THRESHOLD_TAGS.image, value: String(thresholds.image) },
              { key: THRESHOLD_TAGS.pixel, value: String(thresholds.pixel) },
              { key: THRESHOLD_TAGS.from, value: result.runId },
              { key: THRESHOLD_TAGS.normalisation, value: units },
              { key: THRESHOLD_TAGS.mapSigma, value: String(p.config.detection.map_sigma) },
            ]
          : []),
        ...(tileTag && 'key' in tileTag ? [tileTag] : []),
      ],
    });
    result.status = 'FINISHED';
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    if (result.runId) await p.client.updateRun(result.runId, { status: 'FAILED' }).catch(() => undefined);
  }
  return result;
}

/** The summary for the terminal. */
export function validationLines(outcome: ValidateOutcome): string[] {
  const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(4));
  return [
    ...outcome.validations.flatMap((v) => {
      const m = v.summary?.metrics ?? {};
      const head = `${v.model.ref} on ${outcome.component}/${v.types.join(',')}: ${v.status}`;
      if (v.error) return [head, `  error: ${v.error}`];
      return [
        `${head}, ${m.images} images (${m.labelled_images} labelled, ${m.defective_images} defective), ${m.predicted_defective} predicted defective`,
        `  image AUROC ${fmt(m.image_auroc)}  AP ${fmt(m.image_ap)}  F1 ${fmt(m.f1)}  |  pixel AUROC ${fmt(m.pixel_auroc)}  AP ${fmt(m.pixel_ap)}  F1 ${fmt(m.pixel_f1)}  AUPRO ${fmt(m.pixel_aupro)}`,
        `  thresholds: image ${v.thresholds!.image.toPrecision(4)}, pixel ${v.thresholds!.pixel.toPrecision(4)} (${v.thresholds!.origin}); ${v.normalisation === 'per_pixel' ? 'errors normalised per pixel' : 'raw errors'}`,
        `  validation run ${v.runId}; files: ${v.stage}`,
        ...v.skipped.map((s) => `  skipped ${s.type}/${basename(s.file)}: ${s.reason}`),
      ];
    }),
    ...outcome.unmatched.map((t) => `${t}: no model serves this type (skipped)`),
  ];
}
