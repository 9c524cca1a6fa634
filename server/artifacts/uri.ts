// Artifact URIs: Python's URL parsing as far as MLflow's checks use it, and where an
// `mlflow-artifacts:` location lives inside this server's artifact store.
import { invalidParameter } from '../http/errors.ts';

/** `urllib.parse.urlparse`: scheme (lower case), netloc and path; query and fragment dropped. */
export function parseUri(uri: string): { scheme: string; netloc: string; path: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
  const scheme = m ? m[1]!.toLowerCase() : '';
  const rest = (m ? m[2]! : uri).split('#')[0]!.split('?')[0]!;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    return { scheme, netloc: end < 0 ? rest.slice(2) : rest.slice(2, end), path: end < 0 ? '' : rest.slice(end) };
  }
  return { scheme, netloc: '', path: rest };
}

/** `urllib.parse.unquote`: %XX runs decoded as UTF-8, invalid escapes left as they are. */
export function unquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

const ARTIFACTS_ROUTE = '/api/2.0/mlflow-artifacts/artifacts/';

/**
 * The store-relative path (still to be made safe) of a proxied location: `mlflow-artifacts:/0/r/artifacts`
 * or `http(s)://host/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts`. Other locations are not kept
 * by this server, which only proxies its own artifact store.
 */
export function proxiedPath(uri: string): string {
  const { scheme, path } = parseUri(uri);
  if (scheme === 'mlflow-artifacts') return path.replace(/^\/+/, '');
  if ((scheme === 'http' || scheme === 'https') && path.includes(ARTIFACTS_ROUTE)) return path.slice(path.indexOf(ARTIFACTS_ROUTE) + ARTIFACTS_ROUTE.length);
  throw invalidParameter(`Artifact location '${uri}' is not served by this server: it proxies only mlflow-artifacts:/ locations.`);
}
