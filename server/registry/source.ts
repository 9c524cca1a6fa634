// Where a model version's files are. MLflow's server checks a new version's `source` against its
// `run_id` (handlers.py `_validate_source_run`), rewrites `models:/name@alias` sources to the
// version they point at, and answers get-download-uri with the location the client reads from.
import { and, desc, eq, ne } from 'drizzle-orm';
import { modelVersions } from '../db/schema.ts';
import { invalidParameter } from '../http/errors.ts';
import { posixNormpath } from '../http/python-format.ts';
import { parseUri, unquote } from '../artifacts/uri.ts';
import { findRunArtifactUri } from '../artifacts/run-artifacts.ts';
import { loadModel, loadVersion, modelAliases, type Q } from './rows.ts';
import { STAGE_DELETED_INTERNAL, canonicalStage } from './validation.ts';

function unquoteFully(text: string, plus: boolean): string {
  for (;;) {
    const next = unquote(plus ? text.replace(/\+/g, ' ') : text);
    if (next === text) return text;
    text = next;
  }
}

const invalidSource = (source: string, detail: string) => invalidParameter(`Invalid model version source: '${source}'. ${detail}`);
const notContaining = (source: string, idName: 'run_id' | 'model_id') =>
  invalidSource(source, `The ${idName} request parameter must identify the resource that contains the source.`);

const isLocal = (uri: string): boolean => {
  const { scheme } = parseUri(uri);
  return scheme === '' || scheme === 'file';
};

function localPath(uri: string): string {
  return parseUri(uri).scheme === 'file' ? unquote(parseUri(uri).path) : uri;
}

/** A version's source may not point anywhere through `..`, `.` or a relative path. */
function checkNoRelativeReferences(source: string): void {
  const decoded = unquoteFully(source, true);
  const sourcePath = parseUri(decoded).path.replace(/\/+/g, '/').replace(/\/+$/, '');
  const relative =
    sourcePath.includes('\u0000') ||
    decoded.split('/').includes('..') ||
    !sourcePath.startsWith('/') ||
    posixNormpath(sourcePath) !== sourcePath;
  if (relative)
    throw invalidSource(
      source,
      'If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.',
    );
}

function uriParts(uri: string): { scheme: string; netloc: string; parts: string[] } {
  const { scheme, netloc, path } = parseUri(uri);
  return { scheme, netloc: netloc.toLowerCase(), parts: path.split('/').filter((p) => p !== '').map((p) => unquoteFully(p, false)) };
}

function isWithin(source: string, root: string): boolean {
  const s = uriParts(source);
  const r = uriParts(root);
  return s.scheme === r.scheme && s.netloc === r.netloc && r.parts.length > 0 && r.parts.every((p, i) => s.parts[i] === p);
}

const ARTIFACTS_ROUTE = ['api', '2.0', 'mlflow-artifacts', 'artifacts'];

function isProxiedArtifactSource(source: string): boolean {
  const { scheme, parts } = uriParts(source);
  if (scheme === 'mlflow-artifacts') return true;
  if (scheme !== 'http' && scheme !== 'https') return false;
  return parts.some((_, i) => ARTIFACTS_ROUTE.every((p, j) => parts[i + j] === p));
}

/** `_validate_source_run`: the source must lie in the run named by `run_id` where it names a run's files. */
export function validateSourceRun(q: Q, source: string, runId: string): void {
  if (isLocal(source)) {
    const root = runId ? findRunArtifactUri(q, runId) : undefined;
    if (runId && root === undefined) throw notContaining(source, 'run_id');
    if (root !== undefined && isLocal(root)) {
      const dir = posixNormpath(localPath(root));
      const path = posixNormpath(localPath(source));
      if (path === dir || path.startsWith(`${dir}/`)) return;
    }
    throw invalidSource(
      source,
      'To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.',
    );
  }
  checkNoRelativeReferences(source);
  const parsed = parseUri(source);
  if (parsed.scheme === 'runs') {
    if (parsed.netloc || !runId || parsed.path.split('/')[1] !== runId) throw notContaining(source, 'run_id');
    return;
  }
  if (parsed.scheme === 'models' && (parsed.netloc || parseModelsUri(source).kind === 'model_id')) throw notContaining(source, 'model_id');
  if (isProxiedArtifactSource(source)) {
    const root = runId ? findRunArtifactUri(q, runId) : undefined;
    if (root === undefined || !isWithin(source, root)) throw notContaining(source, 'run_id');
  }
}

type ModelsUri =
  | { kind: 'model_id'; id: string }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'alias'; name: string; alias: string };

/** `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>` or `models:/<logged model id>`. */
function parseModelsUri(uri: string): ModelsUri {
  const path = parseUri(uri).path.replace(/^\/+/, '');
  const parts = path.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: 'version', name: parts[0], version: parts[1] };
  if (parts.length === 1 && path.includes('@')) {
    const at = path.lastIndexOf('@');
    return { kind: 'alias', name: path.slice(0, at), alias: path.slice(at + 1) };
  }
  if (parts.length === 1 && path) return { kind: 'model_id', id: path };
  throw invalidParameter(`Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`);
}

/** The version a `models:/` URI names: a number, the newest in a stage, `latest`, or an alias. */
function versionNamedBy(q: Q, uri: ModelsUri & { kind: 'version' | 'alias' }): number {
  loadModel(q, uri.name);
  if (uri.kind === 'alias') {
    const alias = modelAliases(q, uri.name).find((a) => a.alias === uri.alias);
    if (!alias) throw invalidParameter(`Registered model alias ${uri.alias} not found.`);
    return alias.version;
  }
  if (/^\d+$/.test(uri.version)) return Number(uri.version);
  const live = and(eq(modelVersions.name, uri.name), ne(modelVersions.currentStage, STAGE_DELETED_INTERNAL));
  const where = uri.version.toLowerCase() === 'latest' ? live : and(live, eq(modelVersions.currentStage, canonicalStage(uri.version)));
  const row = q.select({ version: modelVersions.version }).from(modelVersions).where(where).orderBy(desc(modelVersions.version)).get();
  if (!row) throw invalidParameter(`No versions of model with name '${uri.name}' and stage '${uri.version}' found`);
  return row.version;
}

/**
 * `_resolve_registered_model_source_lineage`: a `models:/` source is stored as
 * `models:/<name>/<version>` and inherits that version's run unless the request gave one.
 */
export function resolveSourceLineage(q: Q, source: string, runId: string | undefined): { source: string; runId: string } {
  const parsed = parseUri(source);
  if (parsed.scheme !== 'models') return { source, runId: runId ?? '' };
  if (parsed.netloc) throw invalidSource(source, 'Registered model sources must use the active model registry.');
  const uri = parseModelsUri(source);
  if (uri.kind === 'model_id') return { source, runId: runId ?? '' };
  const referenced = loadVersion(q, uri.name, versionNamedBy(q, uri));
  if (runId !== undefined && runId !== referenced.runId)
    throw invalidSource(source, 'The run_id and model_id request parameters must match the referenced model version.');
  return { source: `models:/${referenced.name}/${referenced.version}`, runId: runId ?? referenced.runId };
}

/**
 * Where the client downloads a version from. `runs:/<id>/<path>` becomes the run's artifact URI
 * plus the path, and `models:/<name>/<version>` the referenced version's location; other sources
 * are returned as they are.
 */
export function downloadUri(q: Q, source: string, seen: Set<string> = new Set()): string {
  const parsed = parseUri(source);
  if (parsed.scheme === 'runs' && !parsed.netloc) {
    const [, runId = '', ...rest] = parsed.path.split('/');
    const root = findRunArtifactUri(q, runId);
    if (root === undefined) return source;
    const path = rest.filter((p) => p !== '').join('/');
    return path ? `${root.replace(/\/+$/, '')}/${path}` : root;
  }
  if (parsed.scheme === 'models' && !seen.has(source)) {
    const uri = parseModelsUri(source);
    if (uri.kind === 'model_id') return source;
    seen.add(source);
    return downloadUri(q, loadVersion(q, uri.name, versionNamedBy(q, uri)).source, seen);
  }
  return source;
}
