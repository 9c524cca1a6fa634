// Overlaid curves on one canvas: a path per series (no element per point), an overlay canvas for the
// crosshair so hovering never redraws the curves, drag to zoom on x, double-click to reset.
import { useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import type { CurveSeries } from '../data/curves.ts';
import { minMaxDownsample, nearestIndex } from '../data/downsample.ts';
import { formatNumber } from '../data/columns.ts';
import { formatTick } from '../data/ticks.ts';
import { drawAxes, observeWidth, prepareCanvas, type Plot } from './canvas.ts';
import { extent, linearScale, logScale, type Scale } from './scale.ts';

export type LineSeries = CurveSeries;

export interface LineChartProps {
  title: string;
  series: readonly LineSeries[];
  logY: boolean;
  formatX: (x: number) => string;
  testId: string;
  height?: number;
  /** Shared across the charts of a view: the x under the mouse in any of them. */
  hoverX: number | null;
  onHoverX: (x: number | null) => void;
  highlight?: string | null;
  xDomain: [number, number] | null;
  onZoom: (domain: [number, number] | null) => void;
  /** Shown when there is nothing to draw (default "no points"). */
  emptyText?: string;
}

const MARGIN = { left: 56, right: 12, top: 10, bottom: 22 };

interface Frame {
  plot: Plot;
  x: Scale;
  y: Scale;
}

/** Indices [from, to) of the points with x inside the domain, plus one neighbour each side so lines reach the edge. */
function visibleRange(xs: Float64Array, domain: [number, number]): [number, number] {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi && xs[lo]! < domain[0]) lo++;
  while (hi > lo && xs[hi - 1]! > domain[1]) hi--;
  return [Math.max(0, lo - 1), Math.min(xs.length, hi + 1)];
}

/**
 * Lines 1 px wide when many curves share a chart: without a GPU, Chromium strokes a 1 px line about
 * ten times faster than a 1.5 px one, and a hundred overlaid curves read better thin.
 */
const lineWidthFor = (count: number, highlighted: boolean) => (highlighted ? 2.5 : count > 20 ? 1 : 1.5);

interface Drawing {
  series: readonly LineSeries[];
  width: number;
  height: number;
  logY: boolean;
  formatX: (x: number) => string;
  highlight: string | null | undefined;
  xDomain: [number, number] | null;
  emptyText: string;
}

/** Would draw the same pixels: new series objects around the same arrays (a run renamed, say) need no redraw. */
function sameDrawing(a: Drawing, b: Drawing): boolean {
  if (a.width !== b.width || a.height !== b.height || a.logY !== b.logY || a.formatX !== b.formatX || a.highlight !== b.highlight || a.emptyText !== b.emptyText) return false;
  if (a.xDomain?.[0] !== b.xDomain?.[0] || a.xDomain?.[1] !== b.xDomain?.[1] || a.series.length !== b.series.length) return false;
  return a.series.every((s, i) => {
    const t = b.series[i]!;
    return s.id === t.id && s.color === t.color && s.xs === t.xs && s.ys === t.ys && s.faint === t.faint && s.band?.lo === t.band?.lo && s.band?.hi === t.band?.hi;
  });
}

function tracePath(ctx: CanvasRenderingContext2D, xs: ArrayLike<number>, ys: ArrayLike<number>, x: Scale, y: Scale, from: number, to: number): void {
  ctx.beginPath();
  let pen = false;
  for (let i = from; i < to; i++) {
    const py = y(ys[i]!);
    if (!Number.isFinite(py)) {
      pen = false;
      continue;
    }
    const px = x(xs[i]!);
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  }
}

export function LineChart(props: LineChartProps) {
  const { title, series, logY, formatX, testId, height = 220, hoverX, onHoverX, highlight, xDomain, onZoom, emptyText = 'no points' } = props;
  const wrapper = useRef<HTMLDivElement>(null);
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const frame = useRef<Frame | undefined>(undefined);
  const [width, setWidth] = useState(0);
  const [active, setActive] = useState<{ px: number; py: number } | null>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const [drawn, setDrawn] = useState(0);
  const lastDrawing = useRef<Drawing | undefined>(undefined);
  const overlayUsed = useRef(false);

  useLayoutEffect(() => {
    const el = wrapper.current!;
    setWidth(Math.floor(el.clientWidth));
    return observeWidth(el, setWidth);
  }, []);

  // The curves: redrawn only when data, size, scale or highlight change.
  useLayoutEffect(() => {
    const canvas = base.current;
    if (!canvas || width === 0) return;
    const drawing: Drawing = { series, width, height, logY, formatX, highlight, xDomain, emptyText };
    if (lastDrawing.current && sameDrawing(lastDrawing.current, drawing)) return;
    lastDrawing.current = drawing;
    const ctx = prepareCanvas(canvas, width, height);
    const plot: Plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
    const xExtent = xDomain ?? extent(series.map((s) => s.xs));
    if (!xExtent) {
      frame.current = undefined;
      setDrawn(0);
      ctx.fillStyle = '#6b7385';
      ctx.font = '12px system-ui';
      ctx.fillText(emptyText, plot.left + 8, plot.top + 16);
      return;
    }
    const ranges = series.map((s) => visibleRange(s.xs, xExtent));
    const yValues = series.flatMap((s, i) => {
      const [from, to] = ranges[i]!;
      const parts = [s.ys.subarray(from, to)];
      if (s.band) parts.push(s.band.lo.subarray(from, to), s.band.hi.subarray(from, to));
      return parts;
    });
    const yExtent = extent(yValues, { positive: logY, pad: 0.04 }) ?? (logY ? [0.1, 10] : [0, 1]);
    const x = linearScale(xExtent, [plot.left, plot.right]);
    const y = (logY ? logScale : linearScale)(yExtent as [number, number], [plot.bottom, plot.top]);
    frame.current = { plot, x, y };
    drawAxes(ctx, plot, x, y, formatX, formatTick);

    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
    ctx.clip();
    ctx.lineJoin = 'round';
    const buckets = Math.max(10, plot.right - plot.left);
    const order = highlight ? [...series.filter((s) => s.id !== highlight), ...series.filter((s) => s.id === highlight)] : series;
    for (const s of order) {
      const dim = highlight != null && s.id !== highlight;
      const [from, to] = visibleRange(s.xs, xExtent);
      if (s.band) {
        ctx.globalAlpha = dim ? 0.05 : 0.16;
        ctx.fillStyle = s.color;
        ctx.beginPath();
        let started = false;
        for (let i = from; i < to; i++) {
          const py = y(s.band.hi[i]!);
          if (!Number.isFinite(py)) continue;
          if (started) ctx.lineTo(x(s.xs[i]!), py);
          else ctx.moveTo(x(s.xs[i]!), py);
          started = true;
        }
        for (let i = to - 1; i >= from; i--) {
          const py = y(s.band.lo[i]!);
          if (Number.isFinite(py)) ctx.lineTo(x(s.xs[i]!), py);
        }
        ctx.closePath();
        ctx.fill();
      }
      ctx.strokeStyle = s.color;
      if (s.faint) {
        const faint = minMaxDownsample(s.faint, buckets, xExtent[0], xExtent[1]);
        ctx.globalAlpha = dim ? 0.06 : 0.22;
        ctx.lineWidth = 1;
        tracePath(ctx, faint.xs, faint.ys, x, y, 0, faint.xs.length);
        ctx.stroke();
      }
      // More points than pixels: re-bucket to the plot width, keeping extremes.
      const shown = to - from > buckets * 4 ? minMaxDownsample({ xs: s.xs, ys: s.ys }, buckets, xExtent[0], xExtent[1]) : undefined;
      ctx.globalAlpha = dim ? 0.18 : 1;
      ctx.lineWidth = lineWidthFor(series.length, s.id === highlight);
      if (shown) tracePath(ctx, shown.xs, shown.ys, x, y, 0, shown.xs.length);
      else tracePath(ctx, s.xs, s.ys, x, y, from, to);
      ctx.stroke();
    }
    ctx.restore();
    setDrawn(series.length);
  }, [series, width, height, logY, formatX, highlight, xDomain, emptyText]);

  // The crosshair, hover dots and zoom rectangle on the overlay. Its pixels are allocated on the
  // first hover: a page of charts that nobody points at draws half the canvases.
  useLayoutEffect(() => {
    const canvas = overlay.current;
    if (!canvas || width === 0) return;
    const idle = hoverX === null && drag === null;
    if (idle && !overlayUsed.current) {
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      return;
    }
    overlayUsed.current = true;
    const ctx = prepareCanvas(canvas, width, height);
    const f = frame.current;
    if (!f) return;
    if (drag) {
      ctx.fillStyle = 'rgb(37 99 235 / 12%)';
      ctx.fillRect(Math.min(drag.from, drag.to), f.plot.top, Math.abs(drag.to - drag.from), f.plot.bottom - f.plot.top);
    }
    if (hoverX === null) return;
    const px = f.x(hoverX);
    if (px < f.plot.left || px > f.plot.right) return;
    ctx.strokeStyle = '#8a93a6';
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, f.plot.top);
    ctx.lineTo(Math.round(px) + 0.5, f.plot.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const s of series) {
      const i = nearestIndex(s.xs, hoverX);
      if (i < 0) continue;
      const py = f.y(s.ys[i]!);
      if (!Number.isFinite(py)) continue;
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(f.x(s.xs[i]!), py, 3, 0, Math.PI * 2);
      ctx.fill();
    }
  }, [hoverX, drag, series, width, height, drawn, logY, xDomain]);

  const pixelOf = (event: MouseEvent) => event.clientX - event.currentTarget.getBoundingClientRect().left;
  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const f = frame.current;
    if (!f) return;
    const px = pixelOf(event);
    const rect = event.currentTarget.getBoundingClientRect();
    setActive({ px, py: event.clientY - rect.top });
    if (drag) setDrag({ ...drag, to: Math.min(Math.max(px, f.plot.left), f.plot.right) });
    onHoverX(px >= f.plot.left && px <= f.plot.right ? f.x.invert(px) : null);
  };
  const onUp = () => {
    const f = frame.current;
    if (f && drag && Math.abs(drag.to - drag.from) > 4) {
      const a = f.x.invert(Math.min(drag.from, drag.to));
      const b = f.x.invert(Math.max(drag.from, drag.to));
      onZoom([a, b]);
    }
    setDrag(null);
  };

  const rows = active && hoverX !== null ? tooltipRows(series, hoverX) : [];
  return (
    <div className="chart" ref={wrapper}>
      <div className="chart-title">
        <span>{title}</span>
        {xDomain && (
          <button type="button" className="link" onClick={() => onZoom(null)}>
            reset zoom
          </button>
        )}
      </div>
      <div className="chart-canvas" style={{ height }}>
        <canvas ref={base} data-testid={testId} data-series={drawn} />
        <canvas
          ref={overlay}
          className="chart-overlay"
          onMouseMove={onMove}
          onMouseLeave={() => {
            setActive(null);
            setDrag(null);
            onHoverX(null);
          }}
          onMouseDown={(event) => {
            const f = frame.current;
            const px = pixelOf(event);
            if (f && px >= f.plot.left && px <= f.plot.right) setDrag({ from: px, to: px });
          }}
          onMouseUp={onUp}
          onDoubleClick={() => onZoom(null)}
        />
        {active && hoverX !== null && rows.length > 0 && (
          <div
            className="chart-tooltip"
            data-testid="chart-tooltip"
            style={{
              left: active.px > width / 2 ? undefined : active.px + 14,
              right: active.px > width / 2 ? width - active.px + 14 : undefined,
              top: 4,
              columnCount: Math.min(4, Math.ceil(rows.length / 16)),
            }}
          >
            <div className="chart-tooltip-x">{formatX(hoverX)}</div>
            {rows.map((row) => (
              <div key={row.id} className="chart-tooltip-row">
                <span className="swatch" style={{ background: row.color }} />
                <span className="chart-tooltip-label">{row.label}</span>
                <span className="chart-tooltip-value">{formatNumber(row.value)}</span>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** Every series' value at the point nearest the hovered x, highest first. */
function tooltipRows(series: readonly LineSeries[], x: number): { id: string; label: string; color: string; value: number }[] {
  const rows: { id: string; label: string; color: string; value: number }[] = [];
  for (const s of series) {
    const i = nearestIndex(s.xs, x);
    if (i >= 0 && Number.isFinite(s.ys[i]!)) rows.push({ id: s.id, label: s.label, color: s.color, value: s.ys[i]! });
  }
  return rows.sort((a, b) => b.value - a.value);
}
