// Canvas set-up shared by the charts: sharp lines on high-DPI screens, and the axis drawing.
import type { Scale } from './scale.ts';

export const AXIS_FONT = '11px system-ui, sans-serif';
export const AXIS_COLOR = '#6b7385';
export const GRID_COLOR = '#eceff4';

/** Sizes the backing store for the device pixel ratio and returns a context drawing in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

export interface Plot {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Grid lines and tick labels for both axes around the plot rectangle. */
export function drawAxes(ctx: CanvasRenderingContext2D, plot: Plot, x: Scale, y: Scale, formatX: (v: number) => string, formatY: (v: number) => string): void {
  ctx.save();
  ctx.font = AXIS_FONT;
  ctx.fillStyle = AXIS_COLOR;
  ctx.strokeStyle = GRID_COLOR;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of y.ticks(Math.max(2, Math.round((plot.bottom - plot.top) / 40)))) {
    const py = Math.round(y(t)) + 0.5;
    if (py < plot.top - 1 || py > plot.bottom + 1) continue;
    ctx.beginPath();
    ctx.moveTo(plot.left, py);
    ctx.lineTo(plot.right, py);
    ctx.stroke();
    ctx.fillText(formatY(t), plot.left - 4, py);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of x.ticks(Math.max(2, Math.round((plot.right - plot.left) / 90)))) {
    const px = Math.round(x(t)) + 0.5;
    if (px < plot.left - 1 || px > plot.right + 1) continue;
    ctx.beginPath();
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
    ctx.stroke();
    ctx.fillText(formatX(t), px, plot.bottom + 4);
  }
  ctx.strokeStyle = '#c5ccd8';
  ctx.strokeRect(plot.left + 0.5, plot.top + 0.5, plot.right - plot.left, plot.bottom - plot.top);
  ctx.restore();
}

/** Watches an element's width (charts redraw to fit their column). */
export function observeWidth(element: HTMLElement, onWidth: (width: number) => void): () => void {
  const observer = new ResizeObserver((entries) => {
    const width = entries[0]?.contentRect.width;
    if (width) onWidth(Math.floor(width));
  });
  observer.observe(element);
  return () => observer.disconnect();
}
