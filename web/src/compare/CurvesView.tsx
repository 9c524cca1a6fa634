// Overlaid per-epoch curves, one chart per metric, with shared hover and zoom.
import { useEffect, useMemo, useState } from 'react';
import type { XAxis } from '../api/types.ts';
import { LineChart } from '../charts/LineChart.tsx';
import { observeWidth } from '../charts/canvas.ts';
import { buildCurves, type CurveRun, type CurveSeries } from '../data/curves.ts';
import { seriesColor } from '../data/colors.ts';
import { formatSeconds, formatTick } from '../data/ticks.ts';
import type { Histories } from './useCompareData.ts';

const MIN_CHART_WIDTH = 440;
/** Space the y labels and margins take from a chart's width. */
const CHART_CHROME = 70;

/** The points to ask the server for: about the plot width in pixels, in steps of 100 so small resizes do not refetch. */
export function useMaxPoints(): [(element: HTMLDivElement | null) => void, number] {
  const [grid, setGrid] = useState<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!grid) return;
    setWidth(grid.clientWidth);
    return observeWidth(grid, setWidth);
  }, [grid]);
  if (width === 0) return [setGrid, 0];
  const columns = Math.max(1, Math.floor(width / MIN_CHART_WIDTH));
  const plot = width / columns - CHART_CHROME;
  return [setGrid, Math.min(2000, Math.max(100, Math.ceil(plot / 100) * 100))];
}

export interface CurvesViewProps {
  runs: readonly CurveRun[];
  metrics: readonly string[];
  histories: Histories | undefined;
  x: XAxis;
  smooth: number;
  logY: boolean;
  group: string | undefined;
  maxPoints: number;
  highlight: string | null;
}

export function CurvesView({ runs, metrics, histories, x, smooth, logY, group, maxPoints, highlight }: CurvesViewProps) {
  const [hoverX, setHoverX] = useState<number | null>(null);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  useEffect(() => setZoom(null), [x]);
  const curves = useMemo(() => {
    const out = new Map<string, CurveSeries[]>();
    if (!histories) return out;
    for (const metric of metrics) {
      out.set(metric, buildCurves({ runs, histories: histories.get(metric) ?? new Map(), smooth, group, groupColor: seriesColor, maxPoints }));
    }
    return out;
  }, [runs, metrics, histories, smooth, group, maxPoints]);
  const formatX = x === 'time' ? formatSeconds : formatTick;
  return (
    <>
      {metrics.map((metric) => (
        <LineChart
          key={metric}
          title={metric}
          testId={`chart-${metric}`}
          series={curves.get(metric) ?? []}
          logY={logY}
          formatX={formatX}
          hoverX={hoverX}
          onHoverX={setHoverX}
          highlight={highlight}
          xDomain={zoom}
          onZoom={setZoom}
        />
      ))}
    </>
  );
}
