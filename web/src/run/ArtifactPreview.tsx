// One artifact shown in place: images inline, CSV as a table, YAML/JSON/text as text; always a download link.
import { artifactUrl } from '../api/client.ts';
import type { FileInfo } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { formatBytes, parseCsv, previewKind, TEXT_PREVIEW_LIMIT } from './artifactFormat.ts';
import { fetchArtifactText } from './artifactText.ts';

const CSV_ROWS = 500;

function TextPreview({ runId, path, csv }: { runId: string; path: string; csv: boolean }) {
  const { data, error, loading, reload } = useApi((signal) => fetchArtifactText(runId, path, signal), [runId, path]);
  if (error) return <ErrorBanner error={error} onRetry={reload} testId="artifact-preview-error" />;
  if (loading || data === undefined) return <Spinner label={`Loading ${path}`} />;
  if (!csv) {
    return (
      <pre className="artifact-text" data-testid="artifact-text">
        {data}
      </pre>
    );
  }
  const rows = parseCsv(data, CSV_ROWS + 1, path.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  const [header = [], ...body] = rows;
  return (
    <div className="artifact-csv" data-testid="artifact-csv">
      <table className="kv-table">
        <thead>
          <tr>
            {header.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.slice(0, CSV_ROWS).map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {body.length > CSV_ROWS && <p className="muted">First {CSV_ROWS} rows shown; download the file for the rest.</p>}
    </div>
  );
}

export function ArtifactPreview({ runId, file }: { runId: string; file: FileInfo }) {
  const kind = previewKind(file.path);
  const url = artifactUrl(runId, file.path);
  const tooBig = (kind === 'text' || kind === 'csv') && (file.file_size ?? 0) > TEXT_PREVIEW_LIMIT;
  return (
    <div className="artifact-preview" data-testid="artifact-preview" data-path={file.path}>
      <div className="toolbar">
        <code className="artifact-path">{file.path}</code>
        <span className="muted">{formatBytes(file.file_size)}</span>
        <span className="spacer" />
        <a href={url} download={file.path.slice(file.path.lastIndexOf('/') + 1)} data-testid="artifact-download">
          Download
        </a>
      </div>
      {kind === 'image' && <img className="artifact-image" src={url} alt={file.path} data-testid="artifact-image" />}
      {(kind === 'text' || kind === 'csv') && !tooBig && <TextPreview runId={runId} path={file.path} csv={kind === 'csv'} />}
      {tooBig && <p className="muted">Too large to preview ({formatBytes(file.file_size)}); download it instead.</p>}
      {kind === 'none' && <p className="muted" data-testid="artifact-no-preview">No preview for this kind of file; download it instead.</p>}
    </div>
  );
}
