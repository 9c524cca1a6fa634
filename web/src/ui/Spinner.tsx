// A loading indicator that says so when a wait grows long, so a slow page never looks frozen.
import { useEffect, useState } from 'react';

export function Spinner({ label = 'Loading', slowAfterMs = 8000 }: { label?: string; slowAfterMs?: number }) {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), slowAfterMs);
    return () => window.clearTimeout(timer);
  }, [slowAfterMs]);
  return (
    <div className="spinner" role="status" data-testid="spinner">
      <span className="spinner-dot" aria-hidden />
      {label}…{slow && <span className="muted"> still waiting for the server</span>}
    </div>
  );
}
