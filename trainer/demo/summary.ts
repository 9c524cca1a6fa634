// What `pixal demo` prints at the end: the dataset, each type's outcome, the runs, and where to look at them.
import { summaryLines } from '../pipeline/preprocess.ts';
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

export function demoSummary(result: DemoResult, trackingUrl: string, seconds: number): string[] {
  const { dataset, experiment } = result;
  const changes = dataset.changes.length ? ` (${dataset.changes.join(', ')})` : '';
  return [
    `data: ${dataset.root}: ${DATASET_NOTES[dataset.action]}${changes}`,
    ...summaryLines('preprocess', result.preprocessing),
    `runs in experiment '${experiment.name}' (id ${experiment.experimentId}) at ${trackingUrl}:`,
    ...result.runs.map((r) => `  preprocess-${r.type}: ${r.runId} ${r.status}`),
    `experiment: ${experimentUrl(trackingUrl, experiment.experimentId)}`,
    `done in ${seconds.toFixed(1)} s`,
  ];
}
