// The frame every chart shares: title, plot area, grid, axes with labels and units, guides, legend.
// Chart kinds (line.ts, scatter.ts, histogram.ts, bar.ts) draw only their marks inside the plot area.
import { el, num, text } from './svg.ts';
import { linearScale, logScale, type Scale } from './scale.ts';

export interface AxisSpec {
  label: string;
  /** Shown after the label in parentheses, e.g. "px" → "error (px)". */
  unit?: string;
}

export interface NumericAxisSpec extends AxisSpec {
  scale?: 'linear' | 'log';
  /** Fixed domain ends; otherwise taken from the data (and the guides). */
  min?: number;
  max?: number;
}

/** A labelled reference line, e.g. a threshold: `axis: 'y'` draws a horizontal line at `value`. */
export interface Guide {
  axis: 'x' | 'y';
  value: number;
  label: string;
  color?: string;
}

export interface ChartBase {
  title: string;
  /** Output size in px (PNG size at scale 1). Default 800 x 500. */
  width?: number;
  height?: number;
  guides?: Guide[];
  /** 'auto' shows the legend when it has two entries or more. */
  legend?: 'auto' | 'always' | 'never';
}

export interface LegendEntry {
  name: string;
  color: string;
  symbol: 'line' | 'dash' | 'dot' | 'box';
}

export interface Tick {
  pos: number;
  label: string;
}

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Tableau 10: distinguishable, and readable on white. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function seriesColor(index: number, explicit?: string): string {
  return explicit ?? PALETTE[index % PALETTE.length]!;
}

const FONT = 'DejaVu Sans, Arial, sans-serif';
const CHAR_WIDTH = 0.62; // average glyph width per px of font size, for layout estimates
const TICK_FONT = 12;

export function axisTitle(axis: AxisSpec): string {
  return axis.unit ? `${axis.label} (${axis.unit})` : axis.label;
}

export function chartSize(base: ChartBase): { width: number; height: number } {
  return { width: base.width ?? 800, height: base.height ?? 500 };
}

export function legendEntriesToShow(base: ChartBase, entries: LegendEntry[]): LegendEntry[] {
  const mode = base.legend ?? 'auto';
  return mode === 'never' || (mode === 'auto' && entries.length < 2) ? [] : entries;
}

export function guideEntries(guides: Guide[] | undefined): LegendEntry[] {
  return (guides ?? []).map((g) => ({ name: g.label, color: g.color ?? '#555555', symbol: 'dash' as const }));
}

/**
 * The plot area left after margins for the title, tick labels, axis titles and the legend (right side).
 * `yTickLabels` and `xTickLabels` size the margins; `rotateX` is for long category names.
 */
export function layoutFrame(base: ChartBase, legend: LegendEntry[], yTickLabels: string[], xTickLabels: string[], rotateX: boolean): Frame {
  const { width, height } = chartSize(base);
  const maxChars = (labels: string[]) => labels.reduce((m, l) => Math.max(m, l.length), 0);
  const xLabelWidth = maxChars(xTickLabels) * TICK_FONT * CHAR_WIDTH;
  // Labels rotated by 45° reach left of their tick by width·cos 45°: room for the first one.
  const left = Math.max(30 + maxChars(yTickLabels) * TICK_FONT * CHAR_WIDTH + 12, rotateX ? xLabelWidth * 0.71 + 8 : 0);
  const legendWidth = legend.length ? 50 + maxChars(legend.map((e) => e.name)) * TICK_FONT * CHAR_WIDTH : 0;
  const right = 20 + legendWidth;
  const xLabelDepth = rotateX ? xLabelWidth * 0.71 + 10 : 18;
  const top = 44;
  const bottom = 30 + xLabelDepth + 10;
  return { left, top, width: Math.max(40, width - left - right), height: Math.max(40, height - top - bottom) };
}

/**
 * Scale for a numeric axis from the data values (non-finite skipped; non-positive skipped on log axes),
 * the axis' fixed min/max, and extra values that must be visible (guides, zero for bars and counts).
 */
export function numericScale(axis: NumericAxisSpec, values: Iterable<number>, range: readonly [number, number], include: number[] = []): Scale {
  const log = axis.scale === 'log';
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number) => {
    if (!Number.isFinite(v) || (log && v <= 0)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const v of values) take(v);
  for (const v of include) take(v);
  if (axis.min !== undefined) lo = axis.min;
  if (axis.max !== undefined) hi = axis.max;
  if (lo > hi) [lo, hi] = log ? [1, 10] : [0, 1]; // no data: an empty but valid axis
  const fixed = axis.min !== undefined && axis.max !== undefined;
  return log ? logScale(lo, hi, range) : linearScale(lo, hi, range, !fixed);
}

export function numericTicks(scale: Scale): Tick[] {
  return scale.ticks.map((t) => ({ pos: scale.map(t), label: scale.format(t) }));
}

/** Dashed guide lines across the plot area; x guides need a numeric x scale. */
export function guideLines(guides: Guide[] | undefined, frame: Frame, x: Scale | undefined, y: Scale): string {
  return (guides ?? [])
    .map((g) => {
      const color = g.color ?? '#555555';
      const style = { stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' };
      if (g.axis === 'y') {
        const py = y.map(g.value);
        return el('line', { x1: frame.left, x2: frame.left + frame.width, y1: py, y2: py, ...style });
      }
      if (!x) return '';
      const px = x.map(g.value);
      return el('line', { x1: px, x2: px, y1: frame.top, y2: frame.top + frame.height, ...style });
    })
    .join('');
}

function legendSvg(entries: LegendEntry[], frame: Frame): string {
  const x0 = frame.left + frame.width + 16;
  return entries
    .map((e, i) => {
      const y = frame.top + 10 + i * 20;
      const symbol =
        e.symbol === 'box'
          ? el('rect', { x: x0, y: y - 6, width: 18, height: 12, fill: e.color, 'fill-opacity': 0.75, stroke: e.color })
          : e.symbol === 'dot'
            ? el('circle', { cx: x0 + 9, cy: y, r: 4, fill: e.color })
            : el('line', { x1: x0, x2: x0 + 18, y1: y, y2: y, stroke: e.color, 'stroke-width': 2.5, 'stroke-dasharray': e.symbol === 'dash' ? '6 4' : undefined });
      return symbol + text(x0 + 26, y + 4, e.name, { 'font-size': TICK_FONT });
    })
    .join('');
}

export interface NumericChartSpec extends ChartBase {
  x: NumericAxisSpec;
  y: NumericAxisSpec;
}

/**
 * A chart with two numeric axes: scales from the data (`xValues`/`yValues` are iterated twice), guides and
 * legend laid out, then `marks` draws the data with the final scales. `yInclude` forces values onto the
 * y axis (0 for counts).
 */
export function numericChart(
  spec: NumericChartSpec,
  xValues: () => Iterable<number>,
  yValues: () => Iterable<number>,
  entries: LegendEntry[],
  marks: (x: Scale, y: Scale, frame: Frame) => string,
  yInclude: number[] = [],
): string {
  const guides = spec.guides ?? [];
  const include = (axis: 'x' | 'y') => guides.filter((g) => g.axis === axis).map((g) => g.value);
  const legend = legendEntriesToShow(spec, [...entries, ...guideEntries(guides)]);
  // Tick labels size the margins, and the margins fix the pixel ranges: scale once on a unit range first.
  const probeX = numericScale(spec.x, xValues(), [0, 1], include('x'));
  const probeY = numericScale(spec.y, yValues(), [0, 1], [...include('y'), ...yInclude]);
  const frame = layoutFrame(spec, legend, probeY.ticks.map(probeY.format), probeX.ticks.map(probeX.format), false);
  const x = numericScale(spec.x, xValues(), [frame.left, frame.left + frame.width], include('x'));
  const y = numericScale(spec.y, yValues(), [frame.top + frame.height, frame.top], [...include('y'), ...yInclude]);
  return renderChart({
    base: spec,
    frame,
    x: spec.x,
    y: spec.y,
    xTicks: numericTicks(x),
    yTicks: numericTicks(y),
    body: marks(x, y, frame) + guideLines(guides, frame, x, y),
    legend,
  });
}

export interface ChartParts {
  base: ChartBase;
  frame: Frame;
  x: AxisSpec;
  y: AxisSpec;
  xTicks: Tick[];
  yTicks: Tick[];
  /** Marks drawn inside the plot area (clipped to it). */
  body: string;
  legend: LegendEntry[];
  rotateX?: boolean;
  /** Vertical grid lines at the x ticks (off for category axes). */
  xGrid?: boolean;
}

/** Assembles the whole SVG document. */
export function renderChart(p: ChartParts): string {
  const { width, height } = chartSize(p.base);
  const { left, top, width: w, height: h } = p.frame;
  const bottom = top + h;
  const grid = [
    ...p.yTicks.map((t) => el('line', { x1: left, x2: left + w, y1: t.pos, y2: t.pos })),
    ...(p.xGrid === false ? [] : p.xTicks.map((t) => el('line', { x1: t.pos, x2: t.pos, y1: top, y2: bottom }))),
  ].join('');
  const yLabels = p.yTicks.map((t) => text(left - 8, t.pos + 4, t.label, { 'text-anchor': 'end' })).join('');
  const xLabels = p.xTicks
    .map((t) =>
      p.rotateX
        ? text(t.pos, bottom + 14, t.label, { 'text-anchor': 'end', transform: `rotate(-45 ${num(t.pos)} ${num(bottom + 14)})` })
        : text(t.pos, bottom + 18, t.label, { 'text-anchor': 'middle' }),
    )
    .join('');
  const xTitleY = height - 12;
  // The y title sits just left of the widest tick label, not at the far edge of a wide margin.
  const yTitleX = Math.max(16, left - 8 - p.yTicks.reduce((m, t) => Math.max(m, t.label.length), 0) * TICK_FONT * CHAR_WIDTH - 14);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    el('defs', {}, el('clipPath', { id: 'plot-area' }, el('rect', { x: left, y: top, width: w, height: h }))),
    text(width / 2, 28, p.base.title, { 'text-anchor': 'middle', 'font-size': 17, 'font-weight': 'bold' }),
    el('g', { stroke: '#e3e3e3', 'stroke-width': 1 }, grid),
    el('g', { 'clip-path': 'url(#plot-area)' }, p.body),
    el('rect', { x: left, y: top, width: w, height: h, fill: 'none', stroke: '#333333', 'stroke-width': 1 }),
    el('g', { 'font-size': TICK_FONT, fill: '#222222' }, yLabels + xLabels),
    text(left + w / 2, xTitleY, axisTitle(p.x), { 'text-anchor': 'middle', 'font-size': 14 }),
    text(yTitleX, top + h / 2, axisTitle(p.y), { 'text-anchor': 'middle', 'font-size': 14, transform: `rotate(-90 ${num(yTitleX)} ${num(top + h / 2)})` }),
    legendSvg(p.legend, p.frame),
    '</svg>',
  ].join('');
}
