// An image folder on the server's machine: typed, or found by browsing folders with their image counts.
// The chosen folder is in the URL (?dir=); a folder the server cannot list shows the server's message.
import { useEffect, useState } from 'react';
import { listFolder } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { setQuery } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';

export function FolderBrowser({ dir }: { dir: string }) {
  const [typed, setTyped] = useState(dir);
  /** The folder listed below; undefined = the server's working folder. */
  const [browse, setBrowse] = useState<string | undefined>(dir || undefined);
  useEffect(() => setTyped(dir), [dir]);
  const listing = useApi((signal) => listFolder(browse, signal), [browse]);
  const choose = (path: string) => {
    setQuery({ dir: path }, { replace: true });
    setBrowse(path);
  };
  const commitTyped = () => {
    const path = typed.trim();
    if (path && path !== dir) choose(path);
  };
  const current = listing.data;
  const folders = current?.entries.filter((e) => e.is_dir) ?? [];
  const imagesHere = current?.entries.filter((e) => !e.is_dir).reduce((n, e) => n + e.images, 0) ?? 0;
  return (
    <div className="folder-browser" data-testid="folder-browser">
      <label className="field">
        Image folder
        <input
          type="text"
          className="mono"
          size={60}
          placeholder="/path/to/component (with a folder per type)"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onBlur={commitTyped}
          onKeyDown={(e) => e.key === 'Enter' && commitTyped()}
          data-testid="folder-path"
        />
      </label>
      {listing.error && <ErrorBanner error={listing.error} onRetry={listing.reload} testId="folder-error" />}
      {listing.loading && !current && <Spinner label="Listing folder" />}
      {current && (
        <div className="panel folder-panel">
          <div className="toolbar folder-head">
            <button type="button" disabled={current.parent === null} onClick={() => current.parent !== null && setBrowse(current.parent)} data-testid="folder-up">
              ↑ Up
            </button>
            <code className="folder-current" data-testid="folder-current">
              {current.path}
            </code>
            <span className="muted">{imagesHere > 0 ? `${imagesHere} images here` : ''}</span>
            <span className="spacer" />
            <button type="button" className={current.path === dir ? '' : 'primary'} disabled={current.path === dir} onClick={() => choose(current.path)} data-testid="folder-use">
              {current.path === dir ? 'Chosen' : 'Use this folder'}
            </button>
          </div>
          {folders.length === 0 ? (
            <div className="empty">No subfolders.</div>
          ) : (
            <ul className="plain-list pick-list">
              {folders.map((f) => (
                <li key={f.path}>
                  <button type="button" className="pick-row" onClick={() => setBrowse(f.path)} data-testid="folder-entry" data-path={f.path}>
                    <span className="pick-name">{f.name}/</span>
                    <span className={f.images > 0 ? 'badge' : 'muted'}>{f.images}{f.images_capped ? '+' : ''} images</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
