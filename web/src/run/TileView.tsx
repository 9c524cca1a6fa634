// The per-tile loss view of a tiled run (issue 8): the tile grid as a heatmap of each tile's best or
// latest loss, and the curves of the chosen tiles over the aggregate. Which tiles and which score are
// in the URL (`tiles=r_c,…`, `tilescore=latest`), so a link shows the same view.
import { useCallback, useMemo, useState } from 'react';
import { metricHistoryColumns } from '../api/client.ts';
import type { Metric } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { LineChart } from '../charts/LineChart.tsx';
import { formatNumber } from '../data/columns.ts';
import { seriesColor } from '../data/colors.ts';
import type { CurveSeries } from '../data/curves.ts';
import { toXY, type XY } from '../data/downsample.ts';
import { formatTick } from '../data/ticks.ts';
import { colorScale, defaultTileSelection, isTileMetric, parseTileSelection, rankTiles, scoreTiles, type Tile, type TileLayout, type TileScore, type TileScoreMode } from '../data/tiles.ts';
import { setQuery, useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { describeScore, TileHeatmap, tileLabel } from './TileHeatmap.tsx';
import './tiles.css';

/** The histories endpoint takes at most this many keys per call; a 10×10 grid needs three calls. */
const KEYS_PER_CALL = 50;
const AGGREGATE_COLOR = '#1d2330';

async function loadHistories(runId: string, keys: readonly string[], signal: AbortSignal): Promise<Map<string, XY>> {
  const calls: Promise<{ key: string; x: number[]; y: number[] }[]>[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) calls.push(metricHistoryColumns({ run_ids: [runId], metric_keys: keys.slice(i, i + KEYS_PER_CALL) }, signal));
  return new Map((await Promise.all(calls)).flat().map((s) => [s.key, toXY(s)]));
}

export interface TileViewProps {
  runId: string;
  layout: TileLayout;
  /** The metric shown per tile (val_loss, usually); the run's own metric of that name is the aggregate. */
  metric: string;
  /** The run's latest metrics: their steps tell when a live run has logged a new epoch. */
  metrics: readonly Metric[];
}

export function TileView({ runId, layout, metric, metrics }: TileViewProps) {
  const { query } = useRoute();
  const mode: TileScoreMode = query.get('tilescore') === 'latest' ? 'latest' : 'best';
  const aggregate = metrics.some((m) => m.key === metric) ? metric : undefined;
  const keys = useMemo(() => {
    const tileKeys = layout.tiles.flatMap((t) => (t.keys[metric] ? [t.keys[metric]] : []));
    return aggregate ? [...tileKeys, aggregate] : tileKeys;
  }, [layout, metric, aggregate]);
  // A new epoch of a live run raises the latest step: fetch the histories again then, not on every reload.
  const revision = metrics.reduce((latest, m) => (isTileMetric(m.key) || m.key === aggregate ? Math.max(latest, m.step) : latest), -1);
  const histories = useApi((signal) => loadHistories(runId, keys, signal), [runId, keys.join('\n'), revision]);

  const scores = useMemo(() => scoreTiles(layout, metric, histories.data ?? new Map<string, XY>(), mode), [layout, metric, histories.data, mode]);
  const ranked = useMemo(() => rankTiles(layout, scores), [layout, scores]);
  const scale = useMemo(() => colorScale([...scores.values()].map((s) => s.value)), [scores]);
  const worst = ranked.length > 1 ? ranked[0] : undefined;
  const best = ranked.length > 1 ? ranked[ranked.length - 1] : undefined;
  const defaults = useMemo(() => defaultTileSelection(ranked), [ranked]);
  const fromUrl = query.get('tiles');
  const selection = useMemo(() => parseTileSelection(fromUrl, layout) ?? defaults, [fromUrl, layout, defaults]);
  // A tile keeps its colour whatever else is chosen: the colour follows its place in the grid.
  const byId = useMemo(() => new Map(layout.tiles.map((tile, i) => [tile.id, { tile, color: seriesColor(i) }])), [layout]);
  const colors = useMemo(() => new Map(selection.map((id) => [id, byId.get(id)!.color])), [selection, byId]);
  const tileOf = useCallback((id: string) => byId.get(id)!.tile, [byId]);
  const [hovered, setHovered] = useState<string | null>(null);

  const select = (ids: string[]) => setQuery({ tiles: ids.length ? ids.join(',') : 'none' }, { replace: true });
  const toggle = (id: string) => select(selection.includes(id) ? selection.filter((s) => s !== id) : [...selection, id]);

  if (histories.error && !histories.data) return <ErrorBanner error={histories.error} onRetry={histories.reload} testId="tiles-error" />;
  if (!histories.data) return <Spinner label="Loading the tiles’ histories" />;

  return (
    <div className="tile-view" data-testid="tile-view" data-metric={metric} data-mode={mode}>
      {histories.error && <ErrorBanner error={histories.error} onRetry={histories.reload} />}
      <div className="tile-panes">
        <div className="tile-map-pane">
          <div className="toolbar">
            <span className="muted">Each tile’s</span>
            <div className="segmented" role="group" aria-label="score shown per tile">
              {(['best', 'latest'] as const).map((m) => (
                <button key={m} type="button" aria-pressed={mode === m} className={mode === m ? 'active' : ''} data-testid={`tile-mode-${m}`} onClick={() => setQuery({ tilescore: m === 'best' ? null : m }, { replace: true })}>
                  {m}
                </button>
              ))}
            </div>
            <span className="mono">{metric}</span>
          </div>
          <TileHeatmap
            layout={layout}
            metric={metric}
            mode={mode}
            scores={scores}
            scale={scale}
            worst={worst}
            best={best}
            selected={colors}
            hovered={hovered}
            onHover={setHovered}
            onToggle={toggle}
          />
          <div className="tile-hover muted" data-testid="tile-hover">
            {hovered ? hoverLine(tileOf(hovered), metric, mode, scores, ranked) : overviewLine(worst === undefined ? undefined : tileOf(worst), best === undefined ? undefined : tileOf(best), metric, scores)}
          </div>
        </div>
        <TileCurves metric={metric} aggregate={aggregate} histories={histories.data} selection={selection} tileOf={tileOf} colors={colors} hovered={hovered} onSelect={select} defaults={defaults} />
      </div>
    </div>
  );
}

function hoverLine(tile: Tile, metric: string, mode: TileScoreMode, scores: ReadonlyMap<string, TileScore>, ranked: readonly string[]): string {
  const rank = ranked.indexOf(tile.id);
  return `${tileLabel(tile)}: ${describeScore(metric, mode, scores.get(tile.id))}${rank >= 0 ? ` · rank ${rank + 1} of ${ranked.length}, worst first` : ''}`;
}

/** How far apart the worst and best tiles are, when nothing is hovered. */
function overviewLine(worst: Tile | undefined, best: Tile | undefined, metric: string, scores: ReadonlyMap<string, TileScore>): string {
  const hint = 'Click tiles to show their curves.';
  if (scores.size === 0) return `No tile has logged ${metric} yet.`;
  if (!worst || !best) return hint;
  const [w, b] = [scores.get(worst.id)!.value, scores.get(best.id)!.value];
  const ratio = b > 0 ? ` (${formatNumber(w / b)}×)` : '';
  return `Worst ${tileLabel(worst)} ${formatNumber(w)}, best ${tileLabel(best)} ${formatNumber(b)}${ratio}. ${hint}`;
}

interface TileCurvesProps {
  metric: string;
  aggregate: string | undefined;
  histories: ReadonlyMap<string, XY>;
  selection: readonly string[];
  tileOf: (id: string) => Tile;
  colors: ReadonlyMap<string, string>;
  hovered: string | null;
  onSelect: (ids: string[]) => void;
  defaults: string[];
}

function TileCurves({ metric, aggregate, histories, selection, tileOf, colors, hovered, onSelect, defaults }: TileCurvesProps) {
  const [hoverX, setHoverX] = useState<number | null>(null);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [logY, setLogY] = useState(false);
  const series: CurveSeries[] = useMemo(() => {
    const out: CurveSeries[] = [];
    for (const id of selection) {
      const tile = tileOf(id);
      const key = tile.keys[metric];
      const history = key === undefined ? undefined : histories.get(key);
      if (history && history.xs.length > 0) out.push({ id, label: tileLabel(tile), color: colors.get(id)!, ...history });
    }
    const whole = aggregate ? histories.get(aggregate) : undefined;
    if (whole && whole.xs.length > 0) out.push({ id: 'aggregate', label: `aggregate ${metric}`, color: AGGREGATE_COLOR, ...whole });
    return out;
  }, [metric, aggregate, histories, selection, tileOf, colors]);

  return (
    <div className="tile-curves-pane">
      <div className="toolbar">
        <span className="muted">{selection.length === 0 ? 'No tile chosen' : `${selection.length} tile${selection.length === 1 ? '' : 's'}`}</span>
        <button type="button" className="link" data-testid="tile-selection-reset" onClick={() => onSelect(defaults)}>
          worst 3 + best
        </button>
        <button type="button" className="link" data-testid="tile-selection-clear" disabled={selection.length === 0} onClick={() => onSelect([])}>
          clear
        </button>
        <span className="spacer" />
        <label>
          <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log y
        </label>
      </div>
      <LineChart
        title={`${metric} per tile`}
        testId="tile-curves"
        series={series}
        logY={logY}
        formatX={formatTick}
        hoverX={hoverX}
        onHoverX={setHoverX}
        highlight={hovered && colors.has(hovered) ? hovered : null}
        xDomain={zoom}
        onZoom={setZoom}
        emptyText="no curves: click tiles in the grid"
      />
      <div className="legend" data-testid="tile-curve-legend">
        {series.map((s) => (
          <span key={s.id} className="legend-item" data-testid="tile-curve-item" data-tile={s.id}>
            <span className="swatch" style={{ background: s.color }} />
            {s.label}
            {s.id !== 'aggregate' && (
              <button type="button" className="link" title={`hide ${s.label}`} onClick={() => onSelect(selection.filter((id) => id !== s.id))}>
                ×
              </button>
            )}
          </span>
        ))}
      </div>
    </div>
  );
}
