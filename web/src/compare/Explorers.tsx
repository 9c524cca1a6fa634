// Parallel coordinates and scatter over the compared runs' params and latest metrics.
import { useMemo } from 'react';
import type { RunRow } from '../api/types.ts';
import { ParallelCoordinates, type ParallelAxis } from '../charts/ParallelCoordinates.tsx';
import { ScatterPlot } from '../charts/ScatterPlot.tsx';
import { cellValue, columnId, parseColumn, type Column } from '../data/columns.ts';
import { KeyPicker, type KeyOption } from '../ui/KeyPicker.tsx';

interface ExplorerProps {
  runs: readonly RunRow[];
  colors: ReadonlyMap<string, string>;
  params: readonly string[];
  metrics: readonly string[];
}

function keyOptions(params: readonly string[], metrics: readonly string[]): KeyOption[] {
  return [
    ...params.map((k) => ({ id: columnId('params', k), label: k, section: 'Params' })),
    ...metrics.map((k) => ({ id: columnId('metrics', k), label: k, section: 'Metrics (latest)' })),
  ];
}

const label = (run: RunRow) => run.run_name || run.run_id.slice(0, 8);

export function ParallelView({ runs, colors, params, metrics, axes, onAxes, highlight }: ExplorerProps & { axes: string[]; onAxes: (axes: string[]) => void; highlight: string | null }) {
  const columns = useMemo(() => axes.map(parseColumn).filter((c): c is Column => c !== undefined), [axes]);
  const chartAxes: ParallelAxis[] = useMemo(() => columns.map((c) => ({ id: c.id, label: c.key, values: runs.map((run) => cellValue(run, c)) })), [columns, runs]);
  const lines = useMemo(() => runs.map((run) => ({ id: run.run_id, label: label(run), color: colors.get(run.run_id) ?? '#888' })), [runs, colors]);
  return (
    <div>
      <div className="toolbar">
        <KeyPicker label={`Axes (${columns.length})`} testId="axes-chooser" options={keyOptions(params, metrics)} selected={axes} onChange={onAxes} />
        <span className="muted">text params are spaced as categories; numbers are linear over the runs’ range</span>
      </div>
      {columns.length < 2 ? <div className="empty">Choose at least two axes.</div> : <ParallelCoordinates axes={chartAxes} lines={lines} highlight={highlight} testId="parallel-chart" />}
    </div>
  );
}

export function ScatterView({
  runs,
  colors,
  params,
  metrics,
  x,
  y,
  logY,
  onChange,
}: ExplorerProps & { x: string | undefined; y: string | undefined; logY: boolean; onChange: (patch: { scatterX?: string; scatterY?: string }) => void }) {
  const xColumn = x ? parseColumn(x) : undefined;
  const yColumn = y ? parseColumn(y) : undefined;
  const points = useMemo(
    () =>
      xColumn && yColumn
        ? runs.map((run) => {
            const yValue = cellValue(run, yColumn);
            return { id: run.run_id, label: label(run), color: colors.get(run.run_id) ?? '#888', x: cellValue(run, xColumn), y: typeof yValue === 'number' ? yValue : undefined };
          })
        : [],
    [runs, colors, xColumn, yColumn],
  );
  const options = keyOptions(params, metrics);
  return (
    <div>
      <div className="toolbar">
        <label>
          x
          <select data-testid="scatter-x" value={x ?? ''} onChange={(e) => onChange({ scatterX: e.target.value })}>
            {!x && <option value="">choose…</option>}
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.section === 'Params' ? 'param' : 'metric'}: {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          y
          <select data-testid="scatter-y" value={y ?? ''} onChange={(e) => onChange({ scatterY: e.target.value })}>
            {!y && <option value="">choose…</option>}
            {metrics.map((k) => (
              <option key={k} value={columnId('metrics', k)}>
                metric: {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {xColumn && yColumn ? <ScatterPlot points={points} xLabel={xColumn.key} yLabel={yColumn.key} logY={logY} testId="scatter-chart" /> : <div className="empty">Choose x and y.</div>}
    </div>
  );
}
