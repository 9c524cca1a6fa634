// The virtualised runs table: fixed row height, only the rows in view (plus a margin) are in the DOM,
// so 10k runs scroll like 10. Header and the name column stay in place while scrolling.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type MouseEvent } from 'react';
import type { RunRow } from '../api/types.ts';
import { formatCell, formatNumber, formatTime, type Column } from '../data/columns.ts';
import { groupMean, type GroupRow, type RunLine, type SortSpec, type TableRow } from '../data/runRows.ts';
import { Link } from '../router.ts';

export const ROW_HEIGHT = 26;
const OVERSCAN = 6;
const FIXED: { id: string; label: string; width: number }[] = [
  { id: 'select', label: '', width: 30 },
  { id: 'attr.run_name', label: 'Run', width: 260 },
  { id: 'attr.status', label: 'Status', width: 84 },
  { id: 'attr.start_time', label: 'Started', width: 128 },
];
const widthOf = (column: Column) => (column.kind === 'tags' ? 150 : column.kind === 'attr' ? 96 : 112);

export interface RunsTableProps {
  rows: readonly TableRow[];
  columns: readonly Column[];
  sort: SortSpec;
  groupBy: readonly string[];
  selected: ReadonlySet<string>;
  onSort: (columnId: string) => void;
  onSelect: (runIds: string[], selected: boolean) => void;
  onToggleRun: (runId: string) => void;
  onToggleGroup: (groupId: string) => void;
  dimmed?: boolean;
}

export function RunsTable(props: RunsTableProps) {
  const { rows, columns, sort, selected, onSort, onSelect } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  const lastClicked = useRef<number | undefined>(undefined);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A shorter table (new filter) must not leave the view scrolled past its end.
  useEffect(() => {
    const el = scroller.current;
    if (el && el.scrollTop > rows.length * ROW_HEIGHT) el.scrollTop = 0;
  }, [rows.length]);

  const template = [...FIXED.map((c) => `${c.width}px`), ...columns.map((c) => `${widthOf(c)}px`)].join(' ');
  const width = FIXED.reduce((sum, c) => sum + c.width, 0) + columns.reduce((sum, c) => sum + widthOf(c), 0);
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);

  const runIds = useCallback((from: number, to: number) => {
    const ids: string[] = [];
    for (let i = from; i <= to; i++) {
      const row = rows[i];
      if (row?.kind === 'run') ids.push(row.run.run_id);
    }
    return ids;
  }, [rows]);

  // The row callbacks read the latest props through a ref so memoised rows are not re-rendered by them.
  const latest = useRef({ selected, onSelect, runIds });
  latest.current = { selected, onSelect, runIds };
  /** Shift-click selects the range from the last clicked row, like a file manager. */
  const clickCheckbox = useCallback((index: number, runId: string, shift: boolean) => {
    const { selected: now, onSelect: select, runIds: idsBetween } = latest.current;
    const turnOn = !now.has(runId);
    if (shift && lastClicked.current !== undefined) {
      select(idsBetween(Math.min(lastClicked.current, index), Math.max(lastClicked.current, index)), turnOn);
    } else {
      select([runId], turnOn);
    }
    lastClicked.current = index;
  }, []);

  const allRunIds = rows.length ? runIds(0, rows.length - 1) : [];
  const allSelected = allRunIds.length > 0 && allRunIds.every((id) => selected.has(id));

  return (
    <div
      className={props.dimmed ? 'vt-scroll dimmed' : 'vt-scroll'}
      ref={scroller}
      data-testid="runs-table"
      data-rows={rows.length}
      onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <div className="vt-header vt-row" style={{ gridTemplateColumns: template, width }} role="row">
        <div className="vt-cell sticky-0">
          <input
            type="checkbox"
            aria-label="select all shown runs"
            title="Select all shown runs (compare takes up to 1000)"
            data-testid="select-all"
            checked={allSelected}
            onChange={() => onSelect(allRunIds, !allSelected)}
          />
        </div>
        {[...FIXED.slice(1), ...columns.map((c) => ({ id: c.id, label: c.key, width: widthOf(c), kind: c.kind }))].map((c, i) => (
          <button
            type="button"
            key={c.id}
            className={`vt-cell vt-head ${i === 0 ? 'sticky-1' : ''} ${'kind' in c ? `kind-${c.kind}` : ''}`}
            title={`${c.id} — click to sort`}
            data-testid={`sort-${c.id}`}
            onClick={() => onSort(c.id)}
          >
            <span className="vt-head-label">{c.label}</span>
            {sort.column === c.id && <span className="sort-mark">{sort.desc ? '▼' : '▲'}</span>}
          </button>
        ))}
      </div>
      <div className="vt-body" style={{ height: rows.length * ROW_HEIGHT, width }}>
        {rows.slice(first, last).map((row, i) => {
          const index = first + i;
          const style: CSSProperties = { gridTemplateColumns: template, width, transform: `translateY(${index * ROW_HEIGHT}px)` };
          return row.kind === 'group' ? (
            <GroupLine key={`g${row.id}`} row={row} style={style} {...props} />
          ) : (
            <RunLineView
              key={row.run.run_id}
              run={row.run}
              depth={row.depth}
              kids={row.children}
              expanded={row.expanded}
              index={index}
              template={template}
              width={width}
              columns={columns}
              isSelected={selected.has(row.run.run_id)}
              onCheck={clickCheckbox}
              onToggle={props.onToggleRun}
            />
          );
        })}
      </div>
    </div>
  );
}

function GroupLine({ row, style, columns, groupBy, selected, onSelect, onToggleGroup }: { row: GroupRow; style: CSSProperties } & RunsTableProps) {
  const ids = row.runs.map((r) => r.run_id);
  const all = ids.every((id) => selected.has(id));
  const label = groupBy.map((key, i) => `${key}=${row.values[i] ?? '∅'}`).join(' × ');
  return (
    <div className="vt-row group-row" style={style} data-testid="group-row" data-count={row.runs.length} role="row">
      <div className="vt-cell sticky-0">
        <input type="checkbox" aria-label={`select group ${label}`} checked={all} onChange={() => onSelect(ids, !all)} />
      </div>
      <div className="vt-cell sticky-1 group-label" title={label} style={{ gridColumn: 'span 3' }}>
        <button type="button" className="expander" data-testid="group-toggle" onClick={() => onToggleGroup(row.id)} aria-expanded={!row.collapsed}>
          {row.collapsed ? '▸' : '▾'}
        </button>
        <span className="group-name">{label}</span>
        <span className="badge" data-testid="group-count">
          {row.runs.length}
        </span>
      </div>
      {columns.map((column) => {
        let text = '';
        if (column.kind === 'metrics') {
          const mean = groupMean(row.runs, column.key);
          text = mean === undefined ? '' : `μ ${formatNumber(mean)}`;
        } else if (column.kind === 'params') {
          const at = groupBy.indexOf(column.key);
          text = at >= 0 ? (row.values[at] ?? '') : '';
        }
        return (
          <div key={column.id} className={`vt-cell kind-${column.kind}${column.kind === 'metrics' ? ' num' : ''}`} title={column.kind === 'metrics' && text ? `mean over ${row.runs.length} runs` : undefined}>
            {text}
          </div>
        );
      })}
    </div>
  );
}

interface RunLineProps {
  /** The line's parts, not the line: a table that grew by a chunk has new lines for the same runs, and their rows need not re-render. */
  run: RunRow;
  depth: RunLine['depth'];
  kids: RunLine['children'];
  expanded: RunLine['expanded'];
  index: number;
  template: string;
  width: number;
  columns: readonly Column[];
  isSelected: boolean;
  onCheck: (index: number, runId: string, shift: boolean) => void;
  onToggle: (runId: string) => void;
}

/** Memoised: scrolling re-renders only the rows that enter the view. */
const RunLineView = memo(function RunLineView({ run, depth, kids, expanded, index, template, width, columns, isSelected, onCheck, onToggle }: RunLineProps) {
  const style: CSSProperties = { gridTemplateColumns: template, width, transform: `translateY(${index * ROW_HEIGHT}px)` };
  return (
    <div className={isSelected ? 'vt-row run-row selected' : 'vt-row run-row'} style={style} data-testid="runs-row" data-run-id={run.run_id} role="row">
      <div className="vt-cell sticky-0">
        <input type="checkbox" aria-label={`select ${run.run_name}`} data-testid="run-select" checked={isSelected} onClick={(e: MouseEvent) => onCheck(index, run.run_id, e.shiftKey)} readOnly />
      </div>
      <div className="vt-cell sticky-1 name-cell" style={{ paddingLeft: 6 + depth * 16 }} title={`${run.run_name}\n${run.run_id}`}>
        {kids > 0 ? (
          <button type="button" className="expander" data-testid="run-expand" aria-expanded={expanded} onClick={() => onToggle(run.run_id)}>
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="expander-space" />
        )}
        <Link to={`/runs/${encodeURIComponent(run.run_id)}`} data-testid="run-link">
          {run.run_name || run.run_id.slice(0, 8)}
        </Link>
        {kids > 0 && <span className="badge" title="nested runs">{kids}</span>}
      </div>
      <div className={`vt-cell status-${run.status}`}>{run.status.toLowerCase()}</div>
      <div className="vt-cell muted">{formatTime(run.start_time)}</div>
      {columns.map((column) => {
        const text = formatCell(run, column);
        return (
          <div key={column.id} className={`vt-cell kind-${column.kind}${column.kind === 'metrics' ? ' num' : ''}`} title={text}>
            {text}
          </div>
        );
      })}
    </div>
  );
});
