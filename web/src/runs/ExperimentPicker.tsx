// The experiments list: click one to show its runs, tick several to see their runs together.
import { useMemo, useState } from 'react';
import type { Experiment } from '../api/types.ts';

export function ExperimentPicker({ experiments, selected, onChange }: { experiments: Experiment[]; selected: readonly string[]; onChange: (ids: string[]) => void }) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return needle ? experiments.filter((e) => e.name.toLowerCase().includes(needle) || e.experiment_id === needle) : experiments;
  }, [experiments, search]);
  const toggle = (id: string) => onChange(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return (
    <aside className="experiments" data-testid="experiment-picker">
      <div className="experiments-head">Experiments</div>
      {experiments.length > 8 && <input type="search" placeholder="Find experiment" value={search} onChange={(e) => setSearch(e.target.value)} />}
      <ul>
        {shown.map((experiment) => {
          const active = selected.includes(experiment.experiment_id);
          return (
            <li key={experiment.experiment_id} className={active ? 'active' : undefined}>
              <input type="checkbox" checked={active} onChange={() => toggle(experiment.experiment_id)} aria-label={`include ${experiment.name}`} />
              <button
                type="button"
                className="link experiment-name"
                data-testid={`experiment-${experiment.experiment_id}`}
                title={`${experiment.name} (id ${experiment.experiment_id})`}
                onClick={() => onChange([experiment.experiment_id])}
              >
                {experiment.name}
              </button>
            </li>
          );
        })}
        {shown.length === 0 && <li className="muted">No experiments</li>}
      </ul>
    </aside>
  );
}
