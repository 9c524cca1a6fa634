// Params and latest metrics side by side, one column per run; "differences only" hides the rows where
// every run agrees. Metric cells are shaded by their rank in the row so the best stands out either way.
import { useMemo } from 'react';
import type { RunRow } from '../api/types.ts';
import { formatDuration, formatNumber, splitTileMetrics } from '../data/columns.ts';
import { differingKeys } from '../data/differences.ts';
import { Link } from '../router.ts';

interface Section {
  title: string;
  keys: string[];
  value: (run: RunRow, key: string) => string | number | undefined;
}

export function CompareTable({ runs, colors, diffOnly, onDiffOnly }: { runs: readonly RunRow[]; colors: ReadonlyMap<string, string>; diffOnly: boolean; onDiffOnly: (on: boolean) => void }) {
  const sections: Section[] = useMemo(() => {
    const union = (pick: (r: RunRow) => Record<string, unknown>) => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
    const metrics = splitTileMetrics(union((r) => r.metrics));
    return [
      {
        title: 'Run',
        keys: ['status', 'duration', 'experiment_id', 'parent_run_id'],
        value: (run, key) =>
          key === 'status' ? run.status : key === 'duration' ? (run.end_time === null ? undefined : formatDuration(run.end_time - run.start_time)) : key === 'experiment_id' ? run.experiment_id : (run.parent_run_id ?? undefined),
      },
      { title: 'Params', keys: union((r) => r.params), value: (run, key) => run.params[key] },
      { title: 'Metrics (latest)', keys: metrics.plain, value: (run, key) => run.metrics[key] },
      { title: 'Tags', keys: union((r) => r.tags).filter((k) => !k.startsWith('mlflow.')), value: (run, key) => run.tags[key] },
      // Last: a tiled run's per-tile curves would otherwise push the tags off the screen.
      { title: 'Metrics per tile (latest)', keys: metrics.tiles, value: (run, key) => run.metrics[key] },
    ];
  }, [runs]);

  const shown = useMemo(
    () =>
      sections.map((section) => {
        if (!diffOnly) return section;
        const records = runs.map((run) => Object.fromEntries(section.keys.map((k) => [k, section.value(run, k)])));
        return { ...section, keys: differingKeys(records, section.keys) };
      }),
    [sections, runs, diffOnly],
  );
  const hidden = sections.reduce((n, s) => n + s.keys.length, 0) - shown.reduce((n, s) => n + s.keys.length, 0);

  return (
    <div className="compare-table-wrap">
      <div className="toolbar">
        <label>
          <input type="checkbox" data-testid="diff-only" checked={diffOnly} onChange={(e) => onDiffOnly(e.target.checked)} /> differences only
        </label>
        {diffOnly && <span className="muted">{hidden} equal rows hidden</span>}
      </div>
      <div className="compare-table-scroll">
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th className="key-col" />
              {runs.map((run) => (
                <th key={run.run_id} title={run.run_id}>
                  <span className="swatch" style={{ background: colors.get(run.run_id) }} />
                  <Link to={`/runs/${encodeURIComponent(run.run_id)}`}>{run.run_name || run.run_id.slice(0, 8)}</Link>
                </th>
              ))}
            </tr>
          </thead>
          {shown.map((section) =>
            section.keys.length === 0 ? null : (
              <tbody key={section.title}>
                <tr className="section-row">
                  <th colSpan={runs.length + 1}>{section.title}</th>
                </tr>
                {section.keys.map((key) => (
                  <ValueRow key={key} name={key} values={runs.map((run) => section.value(run, key))} shade={section.title.startsWith('Metrics')} />
                ))}
              </tbody>
            ),
          )}
        </table>
        {shown.every((s) => s.keys.length === 0) && <div className="empty">All compared runs have the same values.</div>}
      </div>
    </div>
  );
}

function ValueRow({ name, values, shade }: { name: string; values: (string | number | undefined)[]; shade: boolean }) {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const lo = Math.min(...numbers);
  const hi = Math.max(...numbers);
  const differs = new Set(values.map(String)).size > 1;
  return (
    <tr className={differs ? 'differs' : undefined} data-testid="compare-row" data-key={name}>
      <th className="key-col" title={name}>
        {name}
      </th>
      {values.map((value, i) => {
        const t = shade && typeof value === 'number' && hi > lo ? (value - lo) / (hi - lo) : undefined;
        return (
          <td key={i} className={typeof value === 'number' ? 'num' : undefined} style={t === undefined ? undefined : { background: `rgb(37 99 235 / ${Math.round(4 + t * 22)}%)` }}>
            {value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : value}
          </td>
        );
      })}
    </tr>
  );
}
