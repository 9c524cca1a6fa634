// Matrix chart rendered for real: cells coloured by value, text in each cell, a colour bar as legend.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { matrixChart } from '../../../trainer/plots/matrix.ts';
import { svgToPng } from '../../../trainer/plots/render.ts';

const spec = {
  title: 'Confusion matrix',
  width: 600,
  height: 450,
  x: { label: 'predicted class', categories: ['good', 'defective'] },
  y: { label: 'true class', categories: ['good', 'defective'] },
  values: [
    [95, 5],
    [20, 80],
  ],
  range: [0, 100] as [number, number],
  colorLabel: 'share of the true class (%)',
};

describe('matrixChart', () => {
  it('renders a readable PNG with dark cells for high values and light for low', async () => {
    const { data, info } = await sharp(await svgToPng(matrixChart(spec))).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([600, 450]);
    const svg = matrixChart(spec);
    const fills = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="rgb\((\d+),(\d+),(\d+)\)"/g)].map((m) => Number(m[1]));
    expect(fills).toHaveLength(4);
    expect(fills[0]).toBeLessThan(fills[1]!); // 95 darker than 5
    expect(fills[3]).toBeLessThan(fills[2]!); // 80 darker than 20
    let dark = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 120) dark++;
    expect(dark).toBeGreaterThan(1000); // the dark cells are drawn
  });

  it('shows cell text, axis titles and the colour bar title', () => {
    const svg = matrixChart({ ...spec, cellText: [[['95', '95%'], ['5', '5%']], [['20', '20%'], ['80', '80%']]] });
    for (const t of ['>95%<', '>20<', 'predicted class', 'true class', 'share of the true class (%)', '>100<', '>0<']) expect(svg).toContain(t);
    expect(matrixChart(spec)).toContain('>95<'); // default text: the value
  });

  it('rejects values that do not match the categories', () => {
    expect(() => matrixChart({ ...spec, values: [[1, 2]] })).toThrow(/2 rows of 2 columns/);
  });
});
