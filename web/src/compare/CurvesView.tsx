// Overlaid per-epoch curves, one chart per metric, with shared hover and zoom.
import { useEffect, useMemo, useState } from 'react';
import type { XAxis } from '../api/types.ts';
import { LineChart } from '../charts/LineChart.tsx';
import { observeWidth } from '../charts/canvas.ts';
import { buildCurves, type CurveRun } from '../data/curves.ts';
import type { XY } from '../data/downsample.ts';
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
  const formatX = x === 'time' ? formatSeconds : formatTick;
  return (
    <>
      {metrics.map((metric) => (
        <MetricChart
          key={metric}
          metric={metric}
          runs={runs}
          history={histories?.get(metric)}
          smooth={smooth}
          group={group}
          maxPoints={maxPoints}
          logY={logY}
          formatX={formatX}
          hoverX={hoverX}
          onHoverX={setHoverX}
          highlight={highlight}
          zoom={zoom}
          onZoom={setZoom}
        />
      ))}
    </>
  );
}

interface MetricChartProps {
  metric: string;
  runs: readonly CurveRun[];
  /** undefined while this metric's histories are on their way. */
  history: ReadonlyMap<string, XY> | undefined;
  smooth: number;
  group: string | undefined;
  maxPoints: number;
  logY: boolean;
  formatX: (x: number) => string;
  hoverX: number | null;
  onHoverX: (x: number | null) => void;
  highlight: string | null;
  zoom: [number, number] | null;
  onZoom: (domain: [number, number] | null) => void;
}

/** One metric's chart: its curves are rebuilt only when its own histories change, not when another metric arrives. */
function MetricChart({ metric, runs, history, smooth, group, maxPoints, logY, formatX, hoverX, onHoverX, highlight, zoom, onZoom }: MetricChartProps) {
  const series = useMemo(
    () => (history ? buildCurves({ runs, histories: history, smooth, group, groupColor: seriesColor, maxPoints }) : []),
    [runs, history, smooth, group, maxPoints],
  );
  return (
    <LineChart
      title={metric}
      testId={`chart-${metric}`}
      series={series}
      emptyText={history ? 'no points' : 'loading…'}
      logY={logY}
      formatX={formatX}
      hoverX={hoverX}
      onHoverX={onHoverX}
      highlight={highlight}
      xDomain={zoom}
      onZoom={onZoom}
    />
  );
}
