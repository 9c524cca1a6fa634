// Reading a run the way its page shows it: tags as a map, the system tags apart from the user's.
import type { KeyValue, Run } from '../api/types.ts';

export const tagMap = (tags: readonly KeyValue[] | undefined): Record<string, string> => Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));

/** Where and with what a run was made, as the trainer tags it (trainer/runs/tags.ts). */
export const SYSTEM_TAGS: { key: string; label: string }[] = [
  { key: 'pixal.host', label: 'Host' },
  { key: 'pixal.backend', label: 'Backend' },
  { key: 'pixal.device', label: 'Device' },
  { key: 'mlflow.source.git.commit', label: 'Git commit' },
  { key: 'mlflow.source.name', label: 'Source' },
  { key: 'mlflow.user', label: 'User' },
  { key: 'pixal.version', label: 'pixal version' },
  { key: 'pixal.dataset_digest', label: 'Dataset digest' },
];

export const isValidationRun = (tags: Record<string, string>): boolean => tags['pixal.kind'] === 'validation';

export function runName(run: Run): string {
  return run.info.run_name || tagMap(run.data.tags)['mlflow.runName'] || run.info.run_id;
}
