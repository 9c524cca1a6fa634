// What `pixal demo` prints at the end: the dataset, each step's outcome per type with its runs, where the
// validation plots are, and where to look at it all.
import { join } from 'node:path';
import { summaryLines } from '../pipeline/preprocess.ts';
import { exitCodeOf, outcomeLines } from '../runs/train-units.ts';
import { validationLines } from '../validation/validate.ts';
import type { DemoResult } from './demo.ts';

const DATASET_NOTES: Record<DemoResult['dataset']['action'], string> = {
  generated: 'generated',
  reused: 'reused (same seed and options as its manifest.json)',
  regenerated: 'generated again',
};

/** The experiment's page, in MLflow's UI routes (the dashboard follows them). */
export function experimentUrl(trackingUrl: string, experimentId: string): string {
  return `${trackingUrl}/#/experiments/${experimentId}`;
}

const indent = (lines: string[]) => lines.map((line) => `  ${line}`);

export function demoSummary(result: DemoResult, trackingUrl: string, seconds: number): string[] {
  const { dataset, experiment, preprocessing, validation } = result;
  const changes = dataset.changes.length ? ` (${dataset.changes.join(', ')})` : '';
  const experimentPage = experimentUrl(trackingUrl, experiment.experimentId);
  const runUrl = (runId: string) => `${experimentPage}/runs/${runId}`;
  const validations = validation?.outcome.validations ?? [];
  return [
    `data: ${dataset.root}: ${DATASET_NOTES[dataset.action]}${changes}`,
    ...summaryLines('preprocess', preprocessing.outcome),
    `runs in experiment '${experiment.name}' (id ${experiment.experimentId}) at ${trackingUrl}:`,
    ...preprocessing.runs.map((r) => `  preprocess-${r.type}: ${r.runId} ${r.status}`),
    `train: ${result.training.length} models`,
    ...indent(outcomeLines(result.training, runUrl)),
    ...(result.interrupted ? ['  stopped with Ctrl-C: no validation'] : []),
    ...(validation
      ? [
          `validate on ${validation.input}:`,
          ...indent(validationLines(validation.outcome)),
          'validation plots (also the runs\' artifacts plots/ and overlays/):',
          ...validations.filter((v) => v.stage).map((v) => `  ${v.types.join(',')}: ${join(v.stage!, 'plots')}${v.runId ? ` (run ${runUrl(v.runId)})` : ''}`),
        ]
      : []),
    `experiment: ${experimentPage}`,
    `done in ${seconds.toFixed(1)} s`,
  ];
}

/** 0 when every step finished for every type (and so every model was validated), 130 after Ctrl-C, else 1. */
export function demoExitCode(result: DemoResult): number {
  const training = exitCodeOf(result.training);
  if (training === 130 || result.interrupted) return 130;
  const { preprocessing, validation } = result;
  const preprocessed = preprocessing.runs.every((r) => r.status === 'FINISHED');
  const validated = validation?.outcome.validations.filter((v) => v.status === 'FINISHED').length ?? 0;
  return preprocessed && training === 0 && result.training.length > 0 && validated === result.training.length ? 0 : 1;
}
