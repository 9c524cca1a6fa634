// Matrix (heatmap) chart: one coloured cell per (row, column) with its text, e.g. a confusion matrix.
// Colour encodes a value in [min, max] from white to one hue; a colour bar on the right is its legend.
import { layoutFrame, renderChart, type AxisSpec, type ChartBase, type Tick } from './chart.ts';
import { el, text } from './svg.ts';

export interface MatrixChartSpec extends ChartBase {
  /** Columns, left to right. */
  x: AxisSpec & { categories: string[] };
  /** Rows, top to bottom. */
  y: AxisSpec & { categories: string[] };
  /** values[row][column] sets the cell colour. */
  values: number[][];
  /** Lines of text per cell (default: the value); the first line is drawn larger. */
  cellText?: string[][][];
  /** The colour bar's title, e.g. "share of true class (%)". */
  colorLabel: string;
  /** Colour range (default: the values' min..max). */
  range?: [number, number];
  /** Hue at the top of the range (default the palette's blue). */
  color?: string;
}

const BAR_WIDTH = 16;
const BAR_MARGIN = 110; // px right of the plot for the colour bar, its tick labels and its title

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Mix of white (t = 0) and `hex` (t = 1). */
function shade(hex: string, t: number): string {
  const c = rgb(hex).map((v) => Math.round(255 + (v - 255) * Math.min(1, Math.max(0, t))));
  return `rgb(${c.join(',')})`;
}

/** SVG of a matrix chart; cell text turns white on dark cells. */
export function matrixChart(spec: MatrixChartSpec): string {
  const rows = spec.y.categories.length;
  const cols = spec.x.categories.length;
  if (spec.values.length !== rows || spec.values.some((r) => r.length !== cols)) throw new RangeError(`values must be ${rows} rows of ${cols} columns`);
  const hue = spec.color ?? '#4e79a7';
  const flat = spec.values.flat().filter(Number.isFinite);
  const [lo, hi] = spec.range ?? [Math.min(...flat, 0), Math.max(...flat, 1)];
  const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0);
  const base = layoutFrame(spec, [], spec.y.categories, spec.x.categories, false);
  const frame = { ...base, width: Math.max(40, base.width - BAR_MARGIN) };
  const cw = frame.width / cols;
  const ch = frame.height / rows;
  let cells = '';
  spec.values.forEach((row, r) =>
    row.forEach((v, c) => {
      const x = frame.left + c * cw;
      const y = frame.top + r * ch;
      cells += el('rect', { x, y, width: cw, height: ch, fill: Number.isFinite(v) ? shade(hue, t(v)) : '#f0f0f0', stroke: '#ffffff', 'stroke-width': 2 });
      const lines = spec.cellText?.[r]?.[c] ?? [String(v)];
      const ink = t(v) > 0.55 ? '#ffffff' : '#222222';
      lines.forEach((line, i) => {
        const dy = (i - (lines.length - 1) / 2) * 24 + 6;
        cells += text(x + cw / 2, y + ch / 2 + dy, line, { 'text-anchor': 'middle', 'font-size': i === 0 ? 20 : 14, 'font-weight': i === 0 ? 'bold' : undefined, fill: ink });
      });
    }),
  );
  const xTicks: Tick[] = spec.x.categories.map((label, c) => ({ pos: frame.left + (c + 0.5) * cw, label }));
  const yTicks: Tick[] = spec.y.categories.map((label, r) => ({ pos: frame.top + (r + 0.5) * ch, label }));
  // Colour bar: a vertical gradient from hi (top) to lo, with its ends labelled.
  const bx = frame.left + frame.width + 24;
  const gradient = el(
    'linearGradient',
    { id: 'matrix-scale', x1: 0, y1: 1, x2: 0, y2: 0 },
    el('stop', { offset: 0, 'stop-color': shade(hue, 0) }) + el('stop', { offset: 1, 'stop-color': shade(hue, 1) }),
  );
  const fmt = (v: number) => String(Number(v.toPrecision(3)));
  const colorBar =
    el('defs', {}, gradient) +
    el('rect', { x: bx, y: frame.top, width: BAR_WIDTH, height: frame.height, fill: 'url(#matrix-scale)', stroke: '#333333' }) +
    text(bx + BAR_WIDTH + 6, frame.top + 10, fmt(hi), { 'font-size': 12 }) +
    text(bx + BAR_WIDTH + 6, frame.top + frame.height, fmt(lo), { 'font-size': 12 }) +
    text(bx + BAR_WIDTH + 40, frame.top + frame.height / 2, spec.colorLabel, {
      'text-anchor': 'middle',
      'font-size': 13,
      transform: `rotate(-90 ${bx + BAR_WIDTH + 40} ${frame.top + frame.height / 2})`,
    });
  // renderChart clips its body to the plot area, so the colour bar goes after it, before the closing tag.
  const svg = renderChart({ base: spec, frame, x: spec.x, y: spec.y, xTicks, yTicks, body: cells, legend: [], xGrid: false });
  return svg.replace(/<\/svg>$/, `${colorBar}</svg>`);
}
