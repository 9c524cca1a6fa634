// A button opening a searchable checklist of keys in sections (metrics / params / tags): the runs
// table's column chooser and group-by, and the compare view's metric and axis choosers.
import { useEffect, useMemo, useRef, useState } from 'react';

export interface KeyOption {
  id: string;
  label: string;
  section: string;
}

export interface KeyPickerProps {
  label: string;
  testId: string;
  options: readonly KeyOption[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  /** Caps how many can be chosen (e.g. group-by keys). */
  max?: number;
  /** Sections shown folded to their head until opened (a tiled run's hundreds of per-tile metrics); a search unfolds them. */
  foldedSections?: readonly string[];
}

export function KeyPicker({ label, testId, options, selected, onChange, max, foldedSections }: KeyPickerProps) {
  const [open, setOpen] = useState(false);
  const [unfolded, setUnfolded] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState('');
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => root.current && !root.current.contains(event.target as Node) && setOpen(false);
    const escape = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  const sections = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const map = new Map<string, KeyOption[]>();
    for (const option of options) {
      if (needle && !option.label.toLowerCase().includes(needle)) continue;
      const list = map.get(option.section);
      if (list) list.push(option);
      else map.set(option.section, [option]);
    }
    return [...map];
  }, [options, search]);
  const chosen = new Set(selected);
  const toggle = (id: string) => onChange(chosen.has(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  const full = max !== undefined && selected.length >= max;
  const foldable = (section: string) => !search.trim() && foldedSections?.includes(section) === true;
  const unfold = (section: string) => setUnfolded((u) => (u.has(section) ? new Set([...u].filter((s) => s !== section)) : new Set([...u, section])));
  return (
    <div className="key-picker" ref={root}>
      <button type="button" data-testid={testId} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {label} ▾
      </button>
      {open && (
        <div className="popover" data-testid={`${testId}-menu`}>
          <input type="search" placeholder="Filter keys" value={search} autoFocus onChange={(e) => setSearch(e.target.value)} />
          {sections.map(([section, list]) => (
            <div key={section} className="key-section">
              <div className="key-section-head">
                {foldable(section) ? (
                  <button type="button" className="link" data-testid={`${testId}-fold-${section}`} aria-expanded={unfolded.has(section)} onClick={() => unfold(section)}>
                    {unfolded.has(section) ? '▾' : '▸'} {section} ({list.length})
                  </button>
                ) : (
                  <span>{section}</span>
                )}
                {max === undefined && (
                  <span>
                    <button type="button" className="link" onClick={() => onChange([...selected, ...list.map((o) => o.id).filter((id) => !chosen.has(id))])}>
                      all
                    </button>
                    <button type="button" className="link" onClick={() => onChange(selected.filter((id) => !list.some((o) => o.id === id)))}>
                      none
                    </button>
                  </span>
                )}
              </div>
              {(!foldable(section) || unfolded.has(section)) && list.map((option) => (
                <label key={option.id} className="key-option" data-testid={`${testId}-option-${option.id}`}>
                  <input type="checkbox" checked={chosen.has(option.id)} disabled={full && !chosen.has(option.id)} onChange={() => toggle(option.id)} />
                  <span title={option.label}>{option.label}</span>
                </label>
              ))}
            </div>
          ))}
          {sections.length === 0 && <div className="muted">No keys</div>}
        </div>
      )}
    </div>
  );
}
