// A param or metric (x) against a metric (y), one dot per run; text params become categories.
// Hovering a dot names its run.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { compareValues, formatNumber } from '../data/columns.ts';
import { formatTick } from '../data/ticks.ts';
import { drawAxes, observeWidth, prepareCanvas, type Plot } from './canvas.ts';
import { extent, linearScale, logScale } from './scale.ts';

export interface ScatterPoint {
  id: string;
  label: string;
  color: string;
  x: string | number | undefined;
  y: number | undefined;
}

interface Placed {
  point: ScatterPoint;
  px: number;
  py: number;
}

export function ScatterPlot({ points, xLabel, yLabel, logY, testId, height = 360 }: { points: readonly ScatterPoint[]; xLabel: string; yLabel: string; logY: boolean; testId: string; height?: number }) {
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [placed, setPlaced] = useState<Placed[]>([]);
  const [hover, setHover] = useState<Placed | null>(null);

  useLayoutEffect(() => {
    const el = wrapper.current!;
    setWidth(Math.floor(el.clientWidth));
    return observeWidth(el, setWidth);
  }, []);

  const categories = useMemo(() => {
    const xs = points.map((p) => p.x).filter((x): x is string | number => x !== undefined && x !== '');
    return xs.every((x) => Number.isFinite(Number(x))) ? null : [...new Set(xs.map(String))].sort(compareValues);
  }, [points]);

  useLayoutEffect(() => {
    if (!canvas.current || width === 0) return;
    const ctx = prepareCanvas(canvas.current, width, height);
    const plot: Plot = { left: 56, top: 10, right: width - 14, bottom: height - 36 };
    const usable = points.filter((p) => p.x !== undefined && p.x !== '' && p.y !== undefined && Number.isFinite(p.y) && (!logY || p.y > 0));
    const xNumber = (p: ScatterPoint) => (categories ? categories.indexOf(String(p.x)) : Number(p.x));
    const xExtent = categories ? ([-0.5, categories.length - 0.5] as [number, number]) : extent([usable.map(xNumber)], { pad: 0.05 });
    const yExtent = extent([usable.map((p) => p.y!)], { positive: logY, pad: 0.06 });
    if (!xExtent || !yExtent) {
      setPlaced([]);
      ctx.fillStyle = '#6b7385';
      ctx.font = '12px system-ui';
      ctx.fillText('no run has both values', plot.left + 8, plot.top + 16);
      return;
    }
    const x = linearScale(xExtent, [plot.left, plot.right]);
    const y = (logY ? logScale : linearScale)(yExtent, [plot.bottom, plot.top]);
    if (categories) x.ticks = () => categories.map((_, i) => i);
    drawAxes(ctx, plot, x, y, categories ? (i) => categories[i] ?? '' : formatTick, formatTick);
    ctx.fillStyle = '#6b7385';
    ctx.textAlign = 'center';
    ctx.fillText(xLabel, (plot.left + plot.right) / 2, height - 12);
    const result: Placed[] = usable.map((point) => ({ point, px: x(xNumber(point)), py: y(point.y!) }));
    for (const { point, px, py } of result) {
      ctx.fillStyle = point.color;
      ctx.globalAlpha = 0.85;
      ctx.beginPath();
      ctx.arc(px, py, 4, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    setPlaced(result);
  }, [points, width, height, logY, categories, xLabel]);

  return (
    <div className="chart" ref={wrapper}>
      <div className="chart-title">
        <span>
          {yLabel} vs {xLabel}
        </span>
      </div>
      <div className="chart-canvas" style={{ height }}>
        <canvas
          ref={canvas}
          data-testid={testId}
          data-series={placed.length}
          onMouseMove={(event) => {
            const rect = event.currentTarget.getBoundingClientRect();
            const mx = event.clientX - rect.left;
            const my = event.clientY - rect.top;
            let best: Placed | null = null;
            let bestD = 64;
            for (const p of placed) {
              const d = (p.px - mx) ** 2 + (p.py - my) ** 2;
              if (d < bestD) [best, bestD] = [p, d];
            }
            setHover(best);
          }}
          onMouseLeave={() => setHover(null)}
        />
        {hover && (
          <div className="chart-tooltip" style={{ left: Math.min(hover.px + 10, width - 220), top: Math.max(0, hover.py - 40) }}>
            <div className="chart-tooltip-row">
              <span className="swatch" style={{ background: hover.point.color }} />
              <span className="chart-tooltip-label">{hover.point.label}</span>
            </div>
            <div className="muted">
              {xLabel} = {typeof hover.point.x === 'number' ? formatNumber(hover.point.x) : hover.point.x}; {yLabel} = {formatNumber(hover.point.y!)}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
