// A tiled run's grid: one cell per tile at its row and column, coloured by the tile's score on one
// metric, the worst and best tiles marked, a legend for the colours. Clicking a cell toggles its curve.
import { formatNumber } from '../data/columns.ts';
import { rampColor } from '../data/colors.ts';
import type { ColorScale, Tile, TileLayout, TileScore, TileScoreMode } from '../data/tiles.ts';

/** Above this many columns the cells are too small for their value and markers' words. */
const MAX_LABELLED_COLUMNS = 10;

export interface TileHeatmapProps {
  layout: TileLayout;
  metric: string;
  mode: TileScoreMode;
  scores: ReadonlyMap<string, TileScore>;
  scale: ColorScale | undefined;
  worst: string | undefined;
  best: string | undefined;
  /** Selected tile id → its curve's colour. */
  selected: ReadonlyMap<string, string>;
  hovered: string | null;
  onHover: (id: string | null) => void;
  onToggle: (id: string) => void;
}

export const tileLabel = (tile: { row: number; col: number }): string => `tile (${tile.row}, ${tile.col})`;

export function TileHeatmap({ layout, metric, mode, scores, scale, worst, best, selected, hovered, onHover, onToggle }: TileHeatmapProps) {
  const labelled = layout.cols <= MAX_LABELLED_COLUMNS;
  return (
    <div className="tile-heatmap">
      <div className="tile-grid" style={{ gridTemplateColumns: `repeat(${layout.cols}, minmax(0, 72px))` }} data-testid="tile-grid" data-rows={layout.rows} data-cols={layout.cols} onMouseLeave={() => onHover(null)}>
        {layout.tiles.map((tile) => (
          <TileCell
            key={tile.id}
            tile={tile}
            score={scores.get(tile.id)}
            scale={scale}
            marker={tile.id === worst ? 'worst' : tile.id === best ? 'best' : undefined}
            color={selected.get(tile.id)}
            labelled={labelled}
            hovered={tile.id === hovered}
            title={`${tileLabel(tile)}: ${describeScore(metric, mode, scores.get(tile.id))}`}
            onHover={onHover}
            onToggle={onToggle}
          />
        ))}
      </div>
      {scale && <Legend scale={scale} metric={metric} mode={mode} />}
    </div>
  );
}

export function describeScore(metric: string, mode: TileScoreMode, score: TileScore | undefined): string {
  if (!score) return `no ${metric} logged`;
  return `${mode === 'best' ? 'best' : 'latest'} ${metric} ${formatNumber(score.value)} at epoch ${score.step}`;
}

interface TileCellProps {
  tile: Tile;
  score: TileScore | undefined;
  scale: ColorScale | undefined;
  marker: 'worst' | 'best' | undefined;
  color: string | undefined;
  labelled: boolean;
  hovered: boolean;
  title: string;
  onHover: (id: string | null) => void;
  onToggle: (id: string) => void;
}

function TileCell({ tile, score, scale, marker, color, labelled, hovered, title, onHover, onToggle }: TileCellProps) {
  const t = score && scale ? scale.position(score.value) : undefined;
  const classes = ['tile-cell', marker ? `tile-${marker}` : '', color ? 'tile-selected' : '', hovered ? 'tile-hovered' : '', t === undefined ? 'tile-empty' : ''];
  return (
    <button
      type="button"
      className={classes.filter(Boolean).join(' ')}
      data-testid="tile-cell"
      data-tile={tile.id}
      data-row={tile.row}
      data-col={tile.col}
      data-value={score?.value}
      data-step={score?.step}
      data-marker={marker}
      aria-pressed={color !== undefined}
      title={title}
      style={{
        background: t === undefined ? undefined : rampColor(t),
        // Dark text on the bright end of the ramp, light text on the dark end.
        color: t !== undefined && t > 0.6 ? '#1d2330' : '#fff',
        boxShadow: color ? `inset 0 0 0 3px ${color}, inset 0 0 0 4px #fff` : undefined,
      }}
      onMouseEnter={() => onHover(tile.id)}
      onFocus={() => onHover(tile.id)}
      onClick={() => onToggle(tile.id)}
    >
      {labelled && <span className="tile-value">{score ? formatNumber(score.value) : '—'}</span>}
      {marker && <span className="tile-marker">{marker === 'worst' ? (labelled ? '▲ worst' : '▲') : labelled ? '★ best' : '★'}</span>}
    </button>
  );
}

const LEGEND_STOPS = [0, 0.25, 0.5, 0.75, 1];

function Legend({ scale, metric, mode }: { scale: ColorScale; metric: string; mode: TileScoreMode }) {
  const gradient = `linear-gradient(to right, ${LEGEND_STOPS.map((t) => `${rampColor(t)} ${t * 100}%`).join(', ')})`;
  return (
    <div className="tile-legend" data-testid="tile-legend">
      <span className="muted">
        {mode} {metric}
        {scale.log ? ' (log scale)' : ''}
      </span>
      <div className="tile-legend-bar" style={{ background: gradient }} />
      <div className="tile-legend-labels">
        {[0, 0.5, 1].map((t) => (
          <span key={t}>{formatNumber(scale.valueAt(t))}</span>
        ))}
      </div>
    </div>
  );
}
