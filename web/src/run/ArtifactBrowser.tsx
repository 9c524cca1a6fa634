// The run's artifact tree, each folder listed only when opened, and a preview of the chosen file.
// The chosen file is in the URL (?artifact=path) so a preview can be shared.
import { useCallback, useEffect, useRef, useState } from 'react';
import { listArtifacts } from '../api/client.ts';
import type { ApiError, FileInfo } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { setQuery } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { formatBytes } from './artifactFormat.ts';
import { ArtifactPreview } from './ArtifactPreview.tsx';

interface Listing {
  files?: FileInfo[];
  error?: ApiError;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The folders that hold `path`: a/b/c.png → ['a', 'a/b']. */
function ancestors(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function ArtifactBrowser({ runId, selected }: { runId: string; selected: string | null }) {
  const [listings, setListings] = useState<Map<string, Listing>>(new Map());
  const [open, setOpen] = useState<Set<string>>(() => new Set(selected ? ancestors(selected) : []));
  const abort = useRef(new AbortController());
  const requested = useRef(new Set<string>());

  const load = useCallback(
    (folder: string, force = false) => {
      if (requested.current.has(folder) && !force) return;
      requested.current.add(folder);
      setListings((m) => new Map(m).set(folder, {}));
      const signal = abort.current.signal;
      listArtifacts(runId, folder, signal).then(
        (list) => !signal.aborted && setListings((m) => new Map(m).set(folder, { files: list.files ?? [] })),
        (error: unknown) => !signal.aborted && setListings((m) => new Map(m).set(folder, { error: toApiError(error) })),
      );
    },
    [runId],
  );

  useEffect(() => {
    const controller = new AbortController();
    abort.current = controller;
    requested.current = new Set();
    load('');
    return () => controller.abort();
  }, [load]);

  useEffect(() => {
    for (const folder of open) load(folder);
  }, [open, load]);

  const toggle = (folder: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(folder)) next.add(folder);
      return next;
    });

  const selectedFile = selected ? findFile(listings, selected) : undefined;

  const renderFolder = (folder: string, depth: number) => {
    const listing = listings.get(folder);
    if (!listing || (!listing.files && !listing.error)) return <div style={{ paddingLeft: depth * 14 }}><Spinner label="Listing" /></div>;
    if (listing.error) return <ErrorBanner error={listing.error} onRetry={() => load(folder, true)} testId="artifact-list-error" />;
    const files = [...listing.files!].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
    if (depth === 0 && files.length === 0) return <div className="empty" data-testid="artifacts-empty">This run has no artifacts.</div>;
    return files.map((f) => (
      <div key={f.path}>
        <button
          type="button"
          className={`tree-row${f.path === selected ? ' selected' : ''}`}
          style={{ paddingLeft: 6 + depth * 14 }}
          data-testid="artifact-node"
          data-path={f.path}
          data-dir={f.is_dir ? '1' : '0'}
          onClick={() => (f.is_dir ? toggle(f.path) : setQuery({ artifact: f.path }, { replace: true }))}
        >
          <span className="tree-icon">{f.is_dir ? (open.has(f.path) ? '▾' : '▸') : '·'}</span>
          <span className="tree-name">{baseName(f.path)}</span>
          {!f.is_dir && <span className="muted tree-size">{formatBytes(f.file_size)}</span>}
        </button>
        {f.is_dir && open.has(f.path) && renderFolder(f.path, depth + 1)}
      </div>
    ));
  };

  return (
    <div className="artifact-browser" data-testid="artifact-browser">
      <div className="artifact-tree panel">{renderFolder('', 0)}</div>
      <div className="artifact-pane panel">
        {selectedFile ? (
          <ArtifactPreview runId={runId} file={selectedFile} />
        ) : (
          <div className="empty">{selected && listings.get(ancestors(selected).at(-1) ?? '')?.files ? `${selected} is not among this run's artifacts.` : 'Choose a file to preview it.'}</div>
        )}
      </div>
    </div>
  );
}

function findFile(listings: Map<string, Listing>, path: string): FileInfo | undefined {
  const folder = ancestors(path).at(-1) ?? '';
  return listings.get(folder)?.files?.find((f) => f.path === path && !f.is_dir);
}
