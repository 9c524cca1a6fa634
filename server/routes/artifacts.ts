// The artifact proxy (`mlflow server --serve-artifacts`): raw-byte upload, download, listing and
// deletion under /api/2.0/mlflow-artifacts and /ajax-api/2.0/mlflow-artifacts; the UI's run
// listing (mlflow/artifacts/list); and MLflow's download routes /get-artifact and
// /model-versions/get-artifact. Multipart uploads are not offered (501, as MLflow answers for a
// store without them), so clients upload one PUT per file.
import type { IncomingMessage } from 'node:http';
import { mkdirSync, realpathSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { MlflowApi } from '../http/api.ts';
import { MlflowError, invalidParameter } from '../http/errors.ts';
import { str } from '../http/proto.ts';
import type { ServerContext } from '../context.ts';
import { missingValueMessage } from '../http/messages.ts';
import { artifactResponse } from '../artifacts/download.ts';
import { deleteArtifact, listDirectory, writeArtifact } from '../artifacts/files.ts';
import { joinRelative, resolveInRoot, safeArtifactPath } from '../artifacts/paths.ts';
import { runArtifactUri, storePathOf } from '../artifacts/run-artifacts.ts';
import { getModelVersionDownloadUri } from '../registry/model-versions.ts';
import { MirrorArtifacts } from '../mirror/artifacts.ts';

const PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

/** The still percent-encoded path after `/artifacts/`: decoding is safeArtifactPath's job, done once. */
/**
 * The artifact path exactly as the client sent it. @hono/node-server (like URL parsing) resolves `..`
 * segments before routing, which would hide a traversal attempt from the path check, so the path is
 * read from Node's raw request line; a request whose raw path is not under the route is refused.
 */
function rawArtifactPath(c: Context, prefix: string): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const rawPath = (incoming?.url ?? new URL(c.req.url).pathname).split('?')[0]!;
  const start = `${prefix}/artifacts/`;
  if (!rawPath.startsWith(start)) throw invalidParameter('Invalid path');
  return rawPath.slice(start.length);
}

function requiredQuery(c: Context, field: string): string {
  const value = c.req.query(field);
  if (value === undefined || value === '') throw invalidParameter(`${missingValueMessage(field)} See the API docs for more information about request parameters.`);
  return value;
}

export function artifactRoutes(app: Hono, api: MlflowApi, { db, artifactsRoot, mirror }: ServerContext): void {
  mkdirSync(artifactsRoot, { recursive: true });
  // Symlink checks compare real paths, so the root is resolved once here.
  const root = realpathSync(artifactsRoot);
  const locate = (relative: string) => resolveInRoot(root, relative);
  // A mirror's runs keep their artifacts on the remote: fetched on first request, then cached.
  const mirrored = mirror && new MirrorArtifacts(mirror, db, root);

  for (const prefix of PREFIXES) {
    // Before the `/artifacts/*` routes, which Hono also matches without the trailing segment.
    app.get(`${prefix}/artifacts`, async (c) => {
      const raw = c.req.query('path');
      const path = raw === undefined ? '' : safeArtifactPath(raw);
      const inRun = mirrored?.runArtifactOf(path);
      if (inRun) {
        const listed = (await mirrored!.list(inRun)).map((f) => ({ ...f, path: f.path.split('/').pop()! }));
        return c.json(listed.length > 0 ? { files: listed } : {});
      }
      const files = (await listDirectory(root, await locate(path), '')).map((f) => ({ ...f, path: f.path.split('/').pop()! }));
      return c.json(files.length > 0 ? { files } : {});
    });
    app.put(`${prefix}/artifacts/*`, async (c) => {
      const path = safeArtifactPath(rawArtifactPath(c, prefix));
      if (path === '') throw invalidParameter('Invalid path');
      const body = c.req.raw.body;
      await writeArtifact(await locate(path), body ? Readable.fromWeb(body as WebReadableStream) : Readable.from([]));
      return c.json({});
    });
    app.get(`${prefix}/artifacts/*`, async (c) => {
      const path = safeArtifactPath(rawArtifactPath(c, prefix));
      const inRun = mirrored?.runArtifactOf(path);
      if (inRun) return artifactResponse(await mirrored!.file(inRun), path);
      return artifactResponse(await locate(path), path);
    });
    app.delete(`${prefix}/artifacts/*`, async (c) => {
      const path = safeArtifactPath(rawArtifactPath(c, prefix));
      // Never the store itself.
      if (path === '') throw invalidParameter('Invalid path');
      await deleteArtifact(await locate(path));
      return c.json({});
    });
    app.all(`${prefix}/mpu/*`, () => {
      throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for the current artifact repository');
    });
  }

  api.get('artifacts/list', z.object({ run_id: str.optional(), run_uuid: str.optional(), path: str.optional(), page_token: str.optional() }), async (r) => {
    const runId = r.run_id || r.run_uuid;
    if (!runId) throw invalidParameter(`${missingValueMessage('run_id')} See the API docs for more information about request parameters.`);
    const relative = r.path === undefined ? '' : safeArtifactPath(r.path);
    const rootUri = runArtifactUri(db, runId);
    if (mirrored) {
      const listed = await mirrored.list({ runId, relative });
      return { root_uri: rootUri, files: listed.length > 0 ? listed : undefined };
    }
    const files = await listDirectory(root, await locate(joinRelative(storePathOf(rootUri), relative)), relative);
    return { root_uri: rootUri, files: files.length > 0 ? files : undefined };
  });

  app.get('/get-artifact', async (c) => {
    const path = safeArtifactPath(requiredQuery(c, 'path'));
    const runId = c.req.query('run_id') || c.req.query('run_uuid') || 'None';
    if (mirrored) {
      runArtifactUri(db, runId); // 404 for a run the mirror does not hold
      return artifactResponse(await mirrored.file({ runId, relative: path }), path);
    }
    const stored = joinRelative(storePathOf(runArtifactUri(db, runId)), path);
    return artifactResponse(await locate(stored), stored);
  });

  app.get('/model-versions/get-artifact', async (c) => {
    const path = safeArtifactPath(requiredQuery(c, 'path'));
    const location = getModelVersionDownloadUri(db, c.req.query('name') ?? '', c.req.query('version') ?? '');
    const stored = joinRelative(storePathOf(location), path);
    const inRun = mirrored?.runArtifactOf(stored);
    if (inRun) return artifactResponse(await mirrored!.file(inRun), stored);
    return artifactResponse(await locate(stored), stored);
  });
}
