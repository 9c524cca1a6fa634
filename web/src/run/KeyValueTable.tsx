// Params or tags as a two-column table, with a filter box once there are many.
import { useState } from 'react';

export function KeyValueTable({ entries, testId, empty }: { entries: [string, string][]; testId: string; empty: string }) {
  const [filter, setFilter] = useState('');
  if (entries.length === 0) return <div className="empty">{empty}</div>;
  const needle = filter.trim().toLowerCase();
  const shown = needle ? entries.filter(([k, v]) => k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle)) : entries;
  return (
    <div>
      {entries.length > 12 && (
        <input type="search" placeholder={`Filter ${entries.length}…`} value={filter} onChange={(e) => setFilter(e.target.value)} data-testid={`${testId}-filter`} />
      )}
      <table className="kv-table" data-testid={testId}>
        <tbody>
          {shown.map(([k, v]) => (
            <tr key={k} data-key={k}>
              <td className="mono kv-key">{k}</td>
              <td className="kv-value">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
