// The compare view's curves for one metric: a smoothed line per run, or per group of runs (same value
// of a param) a mean line with its min/max band. Pure, so the chart only draws.
import { aggregateSeries } from './aggregate.ts';
import { compareValues } from './columns.ts';
import type { XY } from './downsample.ts';
import { smoothEma } from './ema.ts';

export interface CurveSeries {
  id: string;
  label: string;
  color: string;
  xs: Float64Array;
  ys: Float64Array;
  /** The unsmoothed curve, drawn faintly behind the smoothed one. */
  faint?: XY;
  /** Min/max band over a group's runs, on the same xs. */
  band?: { lo: Float64Array; hi: Float64Array };
}

export interface CurveRun {
  id: string;
  label: string;
  color: string;
  params: Readonly<Record<string, string>>;
}

export const MISSING = '∅';

/** Groups of runs by one param's value, in natural value order (missing last). */
export function groupByParam<R extends { params: Readonly<Record<string, string>> }>(runs: readonly R[], key: string): { value: string; runs: R[] }[] {
  const groups = new Map<string, R[]>();
  for (const run of runs) {
    const value = run.params[key] ?? MISSING;
    const list = groups.get(value);
    if (list) list.push(run);
    else groups.set(value, [run]);
  }
  return [...groups]
    .sort(([a], [b]) => (a === MISSING ? 1 : b === MISSING ? -1 : compareValues(a, b)))
    .map(([value, list]) => ({ value, runs: list }));
}

function smoothed(id: string, label: string, color: string, raw: XY, smooth: number): CurveSeries {
  if (smooth <= 0) return { id, label, color, xs: raw.xs, ys: raw.ys };
  return { id, label, color, xs: raw.xs, ys: smoothEma(raw.ys, smooth), faint: raw };
}

export interface CurveOptions {
  runs: readonly CurveRun[];
  /** This metric's history per run id (runs without it are skipped). */
  histories: ReadonlyMap<string, XY>;
  smooth: number;
  /** Aggregate by this param instead of one line per run. */
  group?: string;
  groupColor: (index: number) => string;
  maxPoints?: number;
}

export function buildCurves({ runs, histories, smooth, group, groupColor, maxPoints = 1000 }: CurveOptions): CurveSeries[] {
  if (!group) {
    const out: CurveSeries[] = [];
    for (const run of runs) {
      const raw = histories.get(run.id);
      if (raw && raw.xs.length > 0) out.push(smoothed(run.id, run.label, run.color, raw, smooth));
    }
    return out;
  }
  return groupByParam(runs, group).flatMap(({ value, runs: members }, index) => {
    const series = members.map((r) => histories.get(r.id)).filter((s): s is XY => s !== undefined && s.xs.length > 0);
    if (series.length === 0) return [];
    const agg = aggregateSeries(series, maxPoints);
    const curve = smoothed(`group:${value}`, `${group}=${value} (${series.length})`, groupColor(index), { xs: agg.xs, ys: agg.mean }, smooth);
    return [{ ...curve, band: series.length > 1 ? { lo: agg.min, hi: agg.max } : undefined }];
  });
}
