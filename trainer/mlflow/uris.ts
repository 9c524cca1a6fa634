// The URIs MLflow names things by: artifact locations (`mlflow-artifacts:/...`), run artifacts
// (`runs:/<run_id>/<path>`) and registered models (`models:/<name>/<version>`, `models:/<name>@<alias>`).
import { ARTIFACTS_API } from './http.ts';

export class MlflowUriError extends Error {
  override name = 'MlflowUriError';
}

/**
 * The path inside the server's artifact store of a proxied location: `mlflow-artifacts:/1/<run>/artifacts`
 * (or the same as an http(s) URL of the artifacts route). This client moves artifacts only through the
 * tracking server, so other schemes (file:, s3:) are refused.
 */
export function proxiedArtifactPath(location: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(location)?.[1]?.toLowerCase();
  if (scheme === 'mlflow-artifacts') {
    // `mlflow-artifacts://host:port/path` names another server; the path is what counts here.
    const rest = location.slice('mlflow-artifacts:'.length);
    return trimSlashes(rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest);
  }
  if (scheme === 'http' || scheme === 'https') {
    const path = new URL(location).pathname;
    const at = path.indexOf(`${ARTIFACTS_API}/`);
    if (at >= 0) return trimSlashes(decodeURIComponent(path.slice(at + ARTIFACTS_API.length)));
  }
  throw new MlflowUriError(
    `artifact location '${location}' is not served by the tracking server: this client moves artifacts only through mlflow-artifacts:/ (start the server with --serve-artifacts, MLflow's default)`,
  );
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** Joins artifact path parts with `/`, refusing `..` and absolute parts (the server would answer 400). */
export function joinArtifactPath(...parts: (string | undefined)[]): string {
  const segments: string[] = [];
  for (const part of parts) {
    if (part === undefined || part === '') continue;
    for (const segment of part.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') throw new MlflowUriError(`artifact path '${part}' must not contain '..'`);
      segments.push(segment);
    }
  }
  return segments.join('/');
}

/** The artifact route's URL path for a store path, each segment percent-encoded. */
export function artifactRoutePath(storePath: string): string {
  const encoded = storePath.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  return `${ARTIFACTS_API}/${encoded}`;
}

export type ModelUri =
  | { kind: 'run'; runId: string; artifactPath: string }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'alias'; name: string; alias: string };

/** Parses `runs:/<run_id>/<path>`, `models:/<name>/<version>` or `models:/<name>@<alias>`. */
export function parseModelUri(uri: string): ModelUri {
  const runs = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(uri);
  if (runs) return { kind: 'run', runId: runs[1]!, artifactPath: joinArtifactPath(runs[2]) };
  const models = /^models:\/+(.+)$/.exec(uri);
  if (models) {
    const rest = trimSlashes(models[1]!);
    const at = rest.lastIndexOf('@');
    if (at > 0 && !rest.slice(at).includes('/')) return { kind: 'alias', name: rest.slice(0, at), alias: rest.slice(at + 1) };
    const slash = rest.lastIndexOf('/');
    if (slash > 0 && /^\d+$/.test(rest.slice(slash + 1))) return { kind: 'version', name: rest.slice(0, slash), version: rest.slice(slash + 1) };
    if (slash > 0)
      throw new MlflowUriError(`model URI '${uri}': '${rest.slice(slash + 1)}' is not a version number; stages and 'latest' are not supported, use an alias (models:/<name>@<alias>)`);
  }
  throw new MlflowUriError(`'${uri}' is not a model URI: expected runs:/<run_id>/<path>, models:/<name>/<version> or models:/<name>@<alias>`);
}
