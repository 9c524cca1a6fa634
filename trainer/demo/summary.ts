// What `pixal demo` prints at the end: the dataset, the sweep's points, each point's validation, the models
// promoted to production, and where to look at it all.
import { sweepSummary } from '../sweep/sweep.ts';
import { validationLines } from '../validation/validate.ts';
import type { DemoResult } from './demo.ts';
import { promotionLines } from './promotion.ts';

const DATASET_NOTES: Record<DemoResult['dataset']['action'], string> = {
  generated: 'generated',
  reused: 'reused (same seed and options as its manifest.json)',
  regenerated: 'generated again',
};

/** Where the runs are shown: our dashboard when this process serves them, MLflow's UI routes on another server. */
export function dashboardUrls(trackingUrl: string, experimentId: string, local: boolean): { runs: string; models: string } {
  return local
    ? { runs: `${trackingUrl}/runs?exp=${experimentId}`, models: `${trackingUrl}/models` }
    : { runs: `${trackingUrl}/#/experiments/${experimentId}`, models: `${trackingUrl}/#/models` };
}

const indent = (lines: string[], by = '  ') => lines.map((line) => `${by}${line}`);

export function demoSummary(result: DemoResult, tracking: { url: string; local: boolean }, seconds: number): string[] {
  const { dataset, experiment, validations, promotions } = result;
  const changes = dataset.changes.length ? ` (${dataset.changes.join(', ')})` : '';
  const urls = dashboardUrls(tracking.url, experiment.experimentId, tracking.local);
  return [
    `data: ${dataset.root}: ${DATASET_NOTES[dataset.action]}${changes}`,
    `runs in experiment '${experiment.name}' (id ${experiment.experimentId}) at ${tracking.url}:`,
    ...indent(sweepSummary(result.sweep)),
    ...(result.interrupted ? ['  stopped with Ctrl-C: no validation'] : []),
    ...(validations.length ? [`validate on ${result.input}:`] : []),
    ...validations.flatMap((v) => [`  ${v.point.label}:`, ...indent(v.error ? [`FAILED: ${v.error}`] : validationLines(v.outcome!), '    ')]),
    ...(promotions.length ? ['production models (best validation image AUROC of each type, ties by pixel AUROC):', ...promotionLines(promotions)] : []),
    `dashboard: ${urls.runs}`,
    `models: ${urls.models}`,
    `done in ${seconds.toFixed(1)} s`,
  ];
}

/** 0 when every point trained, every model was validated and each type has a production model; 130 after Ctrl-C; else 1. */
export function demoExitCode(result: DemoResult): number {
  if (result.interrupted || result.sweep.status === 'KILLED') return 130;
  const validated = result.validations.length === result.sweep.points.length && result.validations.every((v) => !v.error && v.outcome!.validations.every((m) => m.status === 'FINISHED'));
  const types = new Set(result.validations.flatMap((v) => v.outcome?.validations.flatMap((m) => m.types) ?? []));
  const complete = result.sweep.status === 'FINISHED' && validated && types.size > 0 && result.promotions.length === types.size;
  return complete ? 0 : 1;
}
