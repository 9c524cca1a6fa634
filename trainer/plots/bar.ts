// Bar chart: one group of bars per category (e.g. per image, per channel), one bar per series.
import {
  guideEntries,
  guideLines,
  layoutFrame,
  legendEntriesToShow,
  numericScale,
  numericTicks,
  renderChart,
  seriesColor,
  type AxisSpec,
  type ChartBase,
  type NumericAxisSpec,
  type Tick,
} from './chart.ts';
import { el } from './svg.ts';

export interface BarSeries {
  name: string;
  /** One value per category; a non-finite value draws no bar. */
  values: ArrayLike<number>;
  color?: string;
}

export interface BarChartSpec extends ChartBase {
  x: AxisSpec;
  y: NumericAxisSpec;
  categories: string[];
  series: BarSeries[];
  /** Stack the series' bars in one column per category instead of side by side (non-finite counts as 0). */
  stacked?: boolean;
}

const LABEL_PITCH = 15; // px between two rotated category labels
const MAX_LABEL = 24; // characters; longer category names lose their middle

function shorten(label: string): string {
  if (label.length <= MAX_LABEL) return label;
  const head = Math.ceil((MAX_LABEL - 1) / 2);
  return `${label.slice(0, head)}…${label.slice(label.length - (MAX_LABEL - 1 - head))}`;
}

/** SVG of a grouped (or stacked) bar chart; y guides (thresholds) are drawn across it. Bars grow from 0 (from the bottom on a log axis). */
export function barChart(spec: BarChartSpec): string {
  const n = spec.categories.length;
  for (const s of spec.series) {
    if (s.values.length !== n) throw new RangeError(`series "${s.name}" has ${s.values.length} values for ${n} categories`);
  }
  const log = spec.y.scale === 'log';
  if (spec.stacked && log) throw new RangeError('stacked bars need a linear y axis');
  // Each bar as [category, series, from, to]: side by side all start at 0, stacked ones on the previous.
  const bars: [number, number, number, number][] = [];
  const top = new Array<number>(n).fill(0);
  const bottom = new Array<number>(n).fill(0);
  spec.series.forEach((s, si) => {
    for (let c = 0; c < n; c++) {
      const v = s.values[c]!;
      if (!Number.isFinite(v)) continue;
      if (!spec.stacked) bars.push([c, si, 0, v]);
      else if (v >= 0) bars.push([c, si, top[c]!, (top[c]! += v)]);
      else bars.push([c, si, bottom[c]!, (bottom[c]! += v)]);
    }
  });
  const values = () => bars.map((b) => b[3]);
  const yInclude = [...(spec.guides ?? []).filter((g) => g.axis === 'y').map((g) => g.value), ...(log ? [] : [0])];
  const entries = spec.series.map((s, i) => ({ name: s.name, color: seriesColor(i, s.color), symbol: 'box' as const }));
  const legend = legendEntriesToShow(spec, [...entries, ...guideEntries(spec.guides?.filter((g) => g.axis === 'y'))]);
  const probeY = numericScale(spec.y, values(), [0, 1], yInclude);
  const labels = spec.categories.map(shorten);
  const longest = labels.reduce((m, c) => Math.max(m, c.length), 0);
  // Rotate labels when they would not fit under their bars; first lay out as if rotated, then check.
  const rotatedFrame = layoutFrame(spec, legend, probeY.ticks.map(probeY.format), labels, true);
  const rotate = longest * 7.2 > rotatedFrame.width / Math.max(1, n);
  const frame = rotate ? rotatedFrame : layoutFrame(spec, legend, probeY.ticks.map(probeY.format), labels, false);
  const y = numericScale(spec.y, values(), [frame.top + frame.height, frame.top], yInclude);
  const band = frame.width / Math.max(1, n);
  const columns = spec.stacked ? 1 : Math.max(1, spec.series.length);
  const barWidth = (band * 0.8) / columns;
  const rects = spec.series.map(() => [] as string[]);
  for (const [c, si, from, to] of bars) {
    const y0 = log ? frame.top + frame.height : y.map(from);
    const y1 = y.map(to);
    if (!Number.isFinite(y1)) continue; // non-positive on a log axis
    const x0 = frame.left + c * band + band * 0.1 + (spec.stacked ? 0 : si) * barWidth;
    rects[si]!.push(el('rect', { x: x0, y: Math.min(y0, y1), width: Math.max(0.5, barWidth - 0.5), height: Math.abs(y1 - y0) }));
  }
  const body = rects.map((r, si) => el('g', { fill: seriesColor(si, spec.series[si]!.color) }, r.join(''))).join('');
  // Thin the category labels when they would overlap.
  const every = Math.max(1, Math.ceil((rotate ? LABEL_PITCH : longest * 7.2 + 8) / band));
  const xTicks: Tick[] = labels.flatMap((label, c) => (c % every === 0 ? [{ pos: frame.left + (c + 0.5) * band, label }] : []));
  return renderChart({
    base: spec,
    frame,
    x: spec.x,
    y: spec.y,
    xTicks,
    yTicks: numericTicks(y),
    body: body + guideLines(spec.guides, frame, undefined, y),
    legend,
    rotateX: rotate,
    xGrid: false,
  });
}
