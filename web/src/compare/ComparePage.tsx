// The compare view: curves, a param/metric table, parallel coordinates and a scatter for the runs in
// the URL. Everything shown is decided by the URL (data/urlState.ts).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { columnId, splitTileMetrics, TILE_METRICS_SECTION } from '../data/columns.ts';
import { seriesColor } from '../data/colors.ts';
import type { CurveRun } from '../data/curves.ts';
import { groupByParam } from '../data/curves.ts';
import { differingKeys } from '../data/differences.ts';
import { rememberView } from '../data/lastView.ts';
import { isTileMetric } from '../data/tiles.ts';
import { encodeCompareState, parseCompareState, type CompareTab, type CompareViewState } from '../data/urlState.ts';
import { Link, navigate, useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { KeyPicker } from '../ui/KeyPicker.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Tabs } from '../ui/Tabs.tsx';
import { CompareTable } from './CompareTable.tsx';
import { CurvesView, useMaxPoints } from './CurvesView.tsx';
import { ParallelView, ScatterView } from './Explorers.tsx';
import { useComparedRuns, useHistories } from './useCompareData.ts';

const DEFAULT_METRICS = 6;
const TABS: { id: CompareTab; label: string }[] = [
  { id: 'curves', label: 'Curves' },
  { id: 'table', label: 'Table' },
  { id: 'parallel', label: 'Parallel coordinates' },
  { id: 'scatter', label: 'Scatter' },
];

function useCompareState(): [CompareViewState, (patch: Partial<CompareViewState>, options?: { replace?: boolean }) => void] {
  const { query } = useRoute();
  const state = useMemo(() => parseCompareState(query), [query]);
  const update = useCallback((patch: Partial<CompareViewState>, options: { replace?: boolean } = {}) => {
    const search = encodeCompareState({ ...parseCompareState(new URLSearchParams(window.location.search)), ...patch });
    navigate(search ? `/compare?${search}` : '/compare', options);
  }, []);
  useEffect(() => rememberView('/compare', encodeCompareState(state)), [state]);
  return [state, update];
}

export function ComparePage() {
  const [state, update] = useCompareState();
  const compared = useComparedRuns(state.runs);
  const [grid, maxPoints] = useMaxPoints();
  const [highlight, setHighlight] = useState<string | null>(null);

  const runs = useMemo(() => compared.data?.runs ?? [], [compared.data]);
  const available = useMemo(() => compared.data?.metrics ?? [], [compared.data]);
  const metrics = useMemo(() => state.metrics ?? splitTileMetrics(available).plain.slice(0, DEFAULT_METRICS), [state.metrics, available]);
  // Histories are asked for the URL's ids straight away, beside the runs lookup (unknown ids simply
  // have no series), so a shared link draws after one round trip when it names its metrics.
  const histories = useHistories(state.runs, state.tab === 'curves' ? metrics : [], state.x, maxPoints);

  const colors = useMemo(() => new Map(state.runs.map((id, i) => [id, seriesColor(i)])), [state.runs]);
  const curveRuns: CurveRun[] = useMemo(() => {
    const byId = new Map(runs.map((r) => [r.run_id, r]));
    const known = compared.data !== undefined;
    return state.runs.flatMap((id) => {
      const run = byId.get(id);
      if (known && !run) return [];
      return [{ id, label: run ? run.run_name || id.slice(0, 8) : id.slice(0, 8), color: colors.get(id)!, params: run?.params ?? {} }];
    });
  }, [runs, compared.data, state.runs, colors]);
  const groups = useMemo(() => (state.group ? groupByParam(curveRuns, state.group) : []), [curveRuns, state.group]);
  const params = compared.data?.params ?? [];

  if (state.runs.length === 0) {
    return (
      <div className="page" data-testid="compare-page">
        <div className="empty" data-testid="compare-empty">
          Nothing to compare yet. Tick runs in the <Link to="/runs">runs table</Link> and press Compare.
        </div>
      </div>
    );
  }

  return (
    <div className="page compare-page" data-testid="compare-page">
      <div className="toolbar compare-toolbar">
        <h2>
          Comparing {runs.length} run{runs.length === 1 ? '' : 's'}
        </h2>
        <span className="spacer" />
        {compared.loading && compared.data && <span className="muted">updating…</span>}
        {histories.ms !== undefined && state.tab === 'curves' && <span className="muted" data-testid="histories-ms">histories {histories.ms} ms</span>}
      </div>
      {compared.error && <ErrorBanner error={compared.error} />}
      {compared.data && compared.data.missing.length > 0 && (
        <ErrorBanner testId="compare-missing" error={`No run with id ${compared.data.missing.join(', ')} — it may have been deleted.`} />
      )}
      <Tabs tabs={TABS} active={state.tab} onChange={(tab) => update({ tab: tab as CompareTab })} testId="compare-tabs" />
      {!compared.data && compared.loading && <Spinner label="Loading runs" />}

      {state.tab === 'curves' && (
        <>
          <div className="toolbar">
            <KeyPicker
              label={`Metrics (${metrics.length})`}
              testId="metric-chooser"
              options={available.map((k) => ({ id: k, label: k, section: isTileMetric(k) ? TILE_METRICS_SECTION : 'Metrics' }))}
              foldedSections={[TILE_METRICS_SECTION]}
              selected={metrics}
              onChange={(ids) => update({ metrics: ids })}
            />
            <label>
              x
              <select data-testid="x-axis" value={state.x} onChange={(e) => update({ x: e.target.value === 'time' ? 'time' : 'step' })}>
                <option value="step">step</option>
                <option value="time">relative time</option>
              </select>
            </label>
            <label title="Exponential moving average, debiased (TensorBoard's smoothing)">
              smoothing
              <input
                type="range"
                min={0}
                max={0.99}
                step={0.01}
                data-testid="smoothing"
                value={state.smooth}
                onChange={(e) => update({ smooth: Number(e.target.value) }, { replace: true })}
              />
              <span className="mono">{state.smooth.toFixed(2)}</span>
            </label>
            <label>
              <input type="checkbox" data-testid="log-y" checked={state.log} onChange={(e) => update({ log: e.target.checked })} /> log y
            </label>
            <label>
              group by
              <select data-testid="compare-group" value={state.group ?? ''} onChange={(e) => update({ group: e.target.value || undefined })}>
                <option value="">— none —</option>
                {params.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted">drag on a chart to zoom, double-click to reset</span>
          </div>
          {histories.error && <ErrorBanner error={histories.error} />}
          <div className="chart-grid" ref={grid} data-testid="chart-grid">
            {histories.data ? (
              <CurvesView
                runs={curveRuns}
                metrics={metrics}
                histories={histories.data}
                x={state.x}
                smooth={state.smooth}
                logY={state.log}
                group={state.group}
                maxPoints={maxPoints}
                highlight={state.group ? null : highlight}
              />
            ) : (
              histories.loading && <Spinner label="Loading histories" />
            )}
            {metrics.length === 0 && compared.data && <div className="empty">These runs logged no metrics.</div>}
          </div>
        </>
      )}

      {state.tab === 'table' && compared.data && <CompareTable runs={runs} colors={colors} diffOnly={state.diffOnly} onDiffOnly={(diffOnly) => update({ diffOnly })} />}

      {state.tab === 'parallel' && compared.data && (
        <ParallelView
          runs={runs}
          colors={colors}
          params={params}
          metrics={available}
          axes={state.axes ?? defaultAxes(runs, params, metrics)}
          onAxes={(axes) => update({ axes })}
          highlight={highlight}
        />
      )}

      {state.tab === 'scatter' && compared.data && (
        <ScatterView
          runs={runs}
          colors={colors}
          params={params}
          metrics={available}
          x={state.scatterX ?? defaultAxes(runs, params, metrics)[0]}
          y={state.scatterY ?? (metrics[0] ? columnId('metrics', metrics[0]) : undefined)}
          logY={state.log}
          onChange={(patch) => update(patch)}
        />
      )}
      {state.tab !== 'table' && compared.data && (
        <Legend
          items={
            state.group && state.tab === 'curves'
              ? groups.map((g, i) => ({ id: `group:${g.value}`, label: `${state.group}=${g.value}`, color: seriesColor(i), count: g.runs.length }))
              : curveRuns.map((r) => ({ id: r.id, label: r.label, color: r.color, href: `/runs/${encodeURIComponent(r.id)}` }))
          }
          onHover={setHighlight}
        />
      )}
    </div>
  );
}

/** Params that differ between the runs (they explain the differences), then the chosen metrics. */
function defaultAxes(runs: readonly { params: Record<string, string> }[], params: readonly string[], metrics: readonly string[]): string[] {
  const differing = differingKeys(runs.map((r) => r.params), params).slice(0, 6);
  return [...differing.map((k) => columnId('params', k)), ...metrics.slice(0, 3).map((k) => columnId('metrics', k))];
}

interface LegendItem {
  id: string;
  label: string;
  color: string;
  count?: number;
  href?: string;
}

function Legend({ items, onHover }: { items: LegendItem[]; onHover: (id: string | null) => void }) {
  return (
    <div className="legend" data-testid="legend" onMouseLeave={() => onHover(null)}>
      {items.map((item) => (
        <span key={item.id} className="legend-item" data-testid="legend-item" onMouseEnter={() => onHover(item.id)}>
          <span className="swatch" style={{ background: item.color }} />
          {item.href ? <Link to={item.href}>{item.label}</Link> : item.label}
          {item.count !== undefined && <span className="muted"> ({item.count})</span>}
        </span>
      ))}
    </div>
  );
}
