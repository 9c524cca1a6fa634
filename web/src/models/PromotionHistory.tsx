// Who moved which alias (or stage) of the model, when, from what to what: newest first.
import type { PromotionEvent } from '../api/types.ts';
import { formatTime } from '../ui/format.ts';

const KIND_LABEL: Record<string, string> = {
  alias_set: 'alias set',
  alias_moved: 'alias moved',
  alias_removed: 'alias removed',
  stage_transition: 'stage',
};

const versionLabel = (kind: string, value: string | undefined) => (value === undefined ? '—' : kind === 'stage_transition' ? value : `v${value}`);

export function PromotionHistory({ events }: { events: PromotionEvent[] }) {
  if (events.length === 0) return <div className="empty" data-testid="promotions-empty">No promotions yet: aliases set here (or by any client) are recorded.</div>;
  return (
    <table className="kv-table" data-testid="promotions">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>Change</th>
          <th>Alias / stage</th>
          <th>From</th>
          <th>To</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid="promotion" data-kind={e.kind} data-alias={e.alias ?? ''}>
            <td>{formatTime(e.time)}</td>
            <td>{e.user || <span className="muted">anonymous</span>}</td>
            <td>{KIND_LABEL[e.kind] ?? e.kind}</td>
            <td>{e.alias ? `@${e.alias}` : `version ${e.version}`}</td>
            <td data-testid="promotion-from">{versionLabel(e.kind, e.from)}</td>
            <td data-testid="promotion-to">{e.kind === 'alias_removed' ? 'removed' : versionLabel(e.kind, e.to)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
