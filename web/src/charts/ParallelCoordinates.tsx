// Parallel coordinates: one vertical axis per param/metric, one polyline per run. Numeric axes are
// linear over the runs' range; text params are evenly spaced categories in natural order.
import { useLayoutEffect, useRef, useState } from 'react';
import { compareValues, formatNumber } from '../data/columns.ts';
import { observeWidth, prepareCanvas, AXIS_COLOR, AXIS_FONT } from './canvas.ts';

export interface ParallelAxis {
  id: string;
  label: string;
  /** One value per line, in line order. */
  values: (string | number | undefined)[];
}

export interface ParallelLine {
  id: string;
  label: string;
  color: string;
}

interface AxisLayout {
  position: (value: string | number | undefined) => number | undefined;
  labels: { text: string; y: number }[];
}

function layoutAxis(axis: ParallelAxis, top: number, bottom: number): AxisLayout {
  const present = axis.values.filter((v): v is string | number => v !== undefined && v !== '');
  const numbers = present.map(Number);
  if (present.length > 0 && numbers.every(Number.isFinite)) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const at = (v: number) => (hi === lo ? (top + bottom) / 2 : bottom - ((v - lo) / (hi - lo)) * (bottom - top));
    return {
      position: (v) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : at(Number(v))),
      labels: hi === lo ? [{ text: formatNumber(lo), y: at(lo) }] : [{ text: formatNumber(hi), y: top }, { text: formatNumber(lo), y: bottom }],
    };
  }
  const categories = [...new Set(present.map(String))].sort(compareValues);
  const step = categories.length > 1 ? (bottom - top) / (categories.length - 1) : 0;
  const index = new Map(categories.map((c, i) => [c, categories.length > 1 ? bottom - i * step : (top + bottom) / 2]));
  return { position: (v) => (v === undefined ? undefined : index.get(String(v))), labels: categories.map((c) => ({ text: c, y: index.get(c)! })) };
}

export function ParallelCoordinates({ axes, lines, highlight, testId, height = 360 }: { axes: readonly ParallelAxis[]; lines: readonly ParallelLine[]; highlight?: string | null; testId: string; height?: number }) {
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [drawn, setDrawn] = useState(0);

  useLayoutEffect(() => {
    const el = wrapper.current!;
    setWidth(Math.floor(el.clientWidth));
    return observeWidth(el, setWidth);
  }, []);

  useLayoutEffect(() => {
    if (!canvas.current || width === 0) return;
    const ctx = prepareCanvas(canvas.current, width, height);
    const top = 28;
    const bottom = height - 16;
    const left = 70;
    const right = width - 70;
    const gap = axes.length > 1 ? (right - left) / (axes.length - 1) : 0;
    const layouts = axes.map((axis) => layoutAxis(axis, top, bottom));
    const xOf = (i: number) => (axes.length > 1 ? left + i * gap : width / 2);
    let count = 0;
    const order = lines.map((_, i) => i).sort((a, b) => Number(lines[a]!.id === highlight) - Number(lines[b]!.id === highlight));
    for (const li of order) {
      const line = lines[li]!;
      ctx.beginPath();
      let pen = false;
      axes.forEach((axis, ai) => {
        const y = layouts[ai]!.position(axis.values[li]);
        if (y === undefined) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(xOf(ai), y);
        else ctx.moveTo(xOf(ai), y);
        pen = true;
      });
      ctx.strokeStyle = line.color;
      ctx.globalAlpha = highlight && line.id !== highlight ? 0.15 : 0.85;
      ctx.lineWidth = line.id === highlight ? 2.5 : 1.3;
      ctx.stroke();
      count++;
    }
    ctx.globalAlpha = 1;
    ctx.font = AXIS_FONT;
    axes.forEach((axis, ai) => {
      const x = xOf(ai);
      ctx.strokeStyle = '#9aa3b5';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top);
      ctx.lineTo(Math.round(x) + 0.5, bottom);
      ctx.stroke();
      ctx.fillStyle = '#1d2330';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(axis.label.length > 24 ? `${axis.label.slice(0, 23)}…` : axis.label, x, top - 8);
      ctx.fillStyle = AXIS_COLOR;
      ctx.textAlign = ai === axes.length - 1 && axes.length > 1 ? 'left' : 'right';
      ctx.textBaseline = 'middle';
      const dx = ctx.textAlign === 'left' ? 5 : -5;
      for (const label of layouts[ai]!.labels.slice(0, 20)) {
        ctx.fillText(label.text.length > 12 ? `${label.text.slice(0, 11)}…` : label.text, x + dx, label.y);
      }
    });
    setDrawn(axes.length > 0 ? count : 0);
  }, [axes, lines, width, height, highlight]);

  return (
    <div className="chart" ref={wrapper}>
      <canvas ref={canvas} data-testid={testId} data-series={drawn} data-axes={axes.length} />
    </div>
  );
}
