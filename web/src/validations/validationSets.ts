// Pure views over validations: plots common to a selection, metric keys, and the validations of each
// registered model (those whose source run is the source of one of its versions).
import type { ModelVersion, Validation } from '../api/types.ts';

/** Plot paths of the chosen validations, those most of them share first, then by name. */
export function plotNames(validations: readonly Validation[]): string[] {
  const count = new Map<string, number>();
  for (const v of validations) for (const p of v.plots) count.set(p, (count.get(p) ?? 0) + 1);
  return [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || a.localeCompare(b));
}

export function metricKeys(validations: readonly Validation[]): string[] {
  return [...new Set(validations.flatMap((v) => Object.keys(v.metrics)))].sort();
}

/** Metrics shown first, in this order (AUPRO: per-region overlap, the small-defect metric). */
export const PREFERRED_METRICS = ['image_auroc', 'pixel_auroc', 'image_ap', 'pixel_ap', 'pixel_aupro', 'f1'];

export function defaultMetric(keys: readonly string[]): string | undefined {
  return PREFERRED_METRICS.find((k) => keys.includes(k)) ?? keys[0];
}

export interface ModelTimeline {
  model: string;
  /** Source run → the versions registered from it. */
  versionsOf: Map<string, string[]>;
  validations: Validation[];
}

/** One timeline per registered model that has validations, oldest point first. */
export function timelinesByModel(validations: readonly Validation[], versions: readonly ModelVersion[]): ModelTimeline[] {
  const byModel = new Map<string, Map<string, string[]>>();
  for (const v of versions) {
    if (!v.run_id) continue;
    const runs = byModel.get(v.name) ?? new Map<string, string[]>();
    runs.set(v.run_id, [...(runs.get(v.run_id) ?? []), v.version]);
    byModel.set(v.name, runs);
  }
  const timelines: ModelTimeline[] = [];
  for (const [model, versionsOf] of byModel) {
    const mine = validations.filter((v) => v.source_run_id !== null && versionsOf.has(v.source_run_id)).sort((a, b) => a.start_time - b.start_time);
    if (mine.length > 0) timelines.push({ model, versionsOf, validations: mine });
  }
  return timelines.sort((a, b) => a.model.localeCompare(b.model));
}

export const parseIds = (value: string | null): string[] => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);
