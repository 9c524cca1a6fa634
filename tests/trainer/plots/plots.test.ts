// Every chart kind rendered for real through sharp: decodes, has the asked size, is not blank.
import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { barChart } from '../../../trainer/plots/bar.ts';
import { histogram, histogramChart } from '../../../trainer/plots/histogram.ts';
import { lineChart } from '../../../trainer/plots/line.ts';
import { svgToPng, writePlot } from '../../../trainer/plots/render.ts';
import { scatterChart } from '../../../trainer/plots/scatter.ts';

const OUT = 'tests/output/plots';
mkdirSync(OUT, { recursive: true });

/** Deterministic pseudo-random numbers (LCG) so the pictures are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function normal(rand: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  let sumSq = 0;
  for (const v of data) {
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / data.length;
  return { info, variance: sumSq / data.length - mean * mean, data };
}

const rand = random(7);
const epochs = Array.from({ length: 60 }, (_, i) => i + 1);
const charts = {
  line: lineChart({
    title: 'Training loss',
    x: { label: 'epoch' },
    y: { label: 'loss', unit: 'MSE', scale: 'log' },
    series: [
      { name: 'train', x: epochs, y: epochs.map((e) => 0.2 / e + 0.002) },
      { name: 'validation', x: epochs, y: epochs.map((e) => 0.25 / e + 0.004), dashed: true },
    ],
    guides: [{ axis: 'x', value: 42, label: 'best epoch' }],
  }),
  scatter: scatterChart({
    title: 'Pixel predictions',
    x: { label: 'true value' },
    y: { label: 'predicted value' },
    series: [{ name: 'LAB_a', x: Array.from({ length: 3000 }, () => rand()), y: Array.from({ length: 3000 }, () => rand()) }],
  }),
  histogram: histogramChart({
    title: 'Pixel loss',
    x: { label: 'squared error', unit: 'a.u.' },
    y: { label: 'pixels', scale: 'log' },
    series: [
      { name: 'normal', values: Array.from({ length: 20000 }, () => Math.abs(normal(rand, 0, 0.05))) },
      { name: 'defect', values: Array.from({ length: 500 }, () => Math.abs(normal(rand, 0.3, 0.08))) },
    ],
    guides: [{ axis: 'x', value: 0.2, label: 'loss_cut' }],
  }),
  bar: barChart({
    title: 'Alignment score per image',
    x: { label: 'image' },
    y: { label: 'SSIM', min: 0, max: 1 },
    categories: Array.from({ length: 40 }, (_, i) => `flex_f1_front_${String(i).padStart(3, '0')}.png`),
    series: [{ name: 'SSIM', values: Array.from({ length: 40 }, () => 0.3 + 0.7 * rand()) }],
    guides: [{ axis: 'y', value: 0.5, label: 'MIN_SCORE_THRESHOLD' }],
  }),
};

describe('plots', () => {
  for (const [kind, svg] of Object.entries(charts)) {
    it(`renders a ${kind} chart to a readable PNG`, async () => {
      const png = await svgToPng(svg);
      await writePlot(`${OUT}/${kind}.png`, svg);
      const { info, variance } = await decode(png);
      expect(info.format).toBe('raw');
      expect([info.width, info.height]).toEqual([800, 500]);
      expect(variance).toBeGreaterThan(100); // not blank: marks, text and axes on white
      expect(svg).toContain('<text');
    });
  }

  it('scales the PNG and keeps a chosen size', async () => {
    const svg = lineChart({ title: 'ROC', width: 400, height: 400, x: { label: 'false positive rate', min: 0, max: 1 }, y: { label: 'true positive rate', min: 0, max: 1 }, series: [{ name: 'AUROC 0.91', x: [0, 0.1, 0.3, 1], y: [0, 0.7, 0.9, 1] }, { name: 'chance', x: [0, 1], y: [0, 1], dashed: true }] });
    const { info } = await decode(await svgToPng(svg, 2));
    expect([info.width, info.height]).toEqual([800, 800]);
  });

  it('draws series in their own colours and a legend for several series', async () => {
    const { data, info } = await decode(await svgToPng(charts.line));
    const count = (r: number, g: number, b: number) => {
      let n = 0;
      for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - r) < 20 && Math.abs(data[i + 1]! - g) < 20 && Math.abs(data[i + 2]! - b) < 20) n++;
      return n;
    };
    expect(count(0x4e, 0x79, 0xa7)).toBeGreaterThan(200); // first palette colour (blue)
    expect(count(0xf2, 0x8e, 0x2b)).toBeGreaterThan(200); // second (orange)
    expect(charts.line).toContain('validation');
    expect(charts.line).toContain('loss (MSE)'); // axis title with unit
  });

  it('renders empty and non-finite data without throwing', async () => {
    const svg = lineChart({ title: 'nothing yet', x: { label: 'x' }, y: { label: 'y', scale: 'log' }, series: [{ name: 'a', x: [1, 2, 3], y: [NaN, 0, -1] }] });
    const { info } = await decode(await svgToPng(svg));
    expect(info.width).toBe(800);
    expect(() => barChart({ title: 't', x: { label: 'c' }, y: { label: 'v' }, categories: ['a'], series: [{ name: 's', values: [1, 2] }] })).toThrow(/2 values for 1 categories/);
  });

  it('escapes text that would break the SVG', () => {
    const svg = barChart({ title: 'a < b & "c"', x: { label: 'x' }, y: { label: 'y' }, categories: ['<img>'], series: [{ name: 's', values: [1] }] });
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).not.toContain('<img>');
  });
});

describe('histogram binning', () => {
  it('bins on shared edges, last bin closed, outside values and NaN left out', () => {
    const h = histogram([[0, 0.5, 1, 1.5, 2, NaN], [2, 5]], 4, [0, 2]);
    expect(h.edges).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(h.counts).toEqual([
      [1, 1, 1, 2],
      [0, 0, 0, 1],
    ]);
  });

  it('density integrates to one', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const h = histogram([values], 10, undefined, true);
    const width = h.edges[1]! - h.edges[0]!;
    expect(h.counts[0]!.reduce((a, c) => a + c * width, 0)).toBeCloseTo(1, 10);
  });
});

describe('bar chart layouts', () => {
  it('stacks series in one column per category', async () => {
    const grouped = barChart({ title: 'g', x: { label: 'c' }, y: { label: 'v' }, categories: ['a', 'b'], series: [{ name: 's', values: [1, 2] }, { name: 't', values: [3, NaN] }] });
    const stacked = barChart({ title: 's', x: { label: 'c' }, y: { label: 'v' }, categories: ['a', 'b'], series: [{ name: 's', values: [1, 2] }, { name: 't', values: [3, NaN] }], stacked: true });
    const xs = (svg: string) => [...svg.replace(/<defs>.*?<\/defs>/, '').matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/g)].map((m) => Number(m[1]));
    expect(new Set(xs(grouped)).size).toBe(3); // three bars side by side
    expect(new Set(xs(stacked)).size).toBe(2); // one column per category
    const { info } = await decode(await svgToPng(stacked));
    expect(info.width).toBe(800);
  });
});
