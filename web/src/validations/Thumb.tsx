// A plot thumbnail, loaded only when it scrolls into view; a plot that fails to load says so.
import { useState } from 'react';
import { artifactUrl } from '../api/client.ts';

export function Thumb({ runId, path, size, onOpen }: { runId: string; path: string; size: number; onOpen: () => void }) {
  const [failed, setFailed] = useState(false);
  // plots/roc_images.png → roc_images; overlays/front/good/000.png keeps its folders (000 alone is ambiguous).
  const name = path.replace(/^plots\//, '').replace(/\.png$/i, '');
  return (
    <figure className="thumb" style={{ width: size }} data-testid="plot-thumb" data-path={path} data-run-id={runId}>
      <button type="button" className="thumb-button" onClick={onOpen} title={path}>
        {failed ? (
          <span className="thumb-missing" style={{ height: size * 0.75 }}>
            could not load
          </span>
        ) : (
          <img src={artifactUrl(runId, path)} alt={path} loading="lazy" decoding="async" width={size} onError={() => setFailed(true)} />
        )}
      </button>
      <figcaption>{name}</figcaption>
    </figure>
  );
}
