// MLflow's model registry REST API (registered-models/*, model-versions/*), request schemas in
// MLflow's field order so the first missing field is the one MLflow names.
import { z } from 'zod';
import type { HandlerContext, MlflowApi } from '../http/api.ts';
import { bool, keyValue, repeated, str } from '../http/proto.ts';
import type { ServerContext } from '../context.ts';
import { invalidValueMessage, missingValueMessage } from '../http/messages.ts';
import { deleteRegisteredModelAlias, getModelVersionByAlias, setRegisteredModelAlias } from '../registry/aliases.ts';
import {
  createModelVersion,
  deleteModelVersion,
  deleteModelVersionTag,
  getModelVersion,
  getModelVersionDownloadUri,
  setModelVersionTag,
  transitionModelVersionStage,
  updateModelVersion,
} from '../registry/model-versions.ts';
import {
  createRegisteredModel,
  deleteRegisteredModel,
  deleteRegisteredModelTag,
  getLatestVersions,
  getRegisteredModel,
  renameRegisteredModel,
  setRegisteredModelTag,
  updateRegisteredModel,
} from '../registry/registered-models.ts';
import { searchModelVersions, searchRegisteredModels } from '../registry/search.ts';
import { writeThrough } from '../mirror/writes.ts';

const API_DOCS_HINT = ' See the API docs for more information about request parameters.';

/** A string MLflow asserts is present and non-empty (`_assert_required`). */
const required = (field: string) =>
  str.superRefine((v, ctx) => {
    if (v === '') ctx.addIssue({ code: z.ZodIssueCode.custom, message: missingValueMessage(field) + API_DOCS_HINT });
  });

/** `max_results`: int-like and at most `limit`, refused with MLflow's handler message otherwise. */
const maxResults = (limit: number) =>
  z.union([z.number(), z.string()]).transform((raw, ctx) => {
    const n = typeof raw === 'number' ? raw : /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isInteger(n) && n <= limit) return n;
    const type = typeof raw === 'string' ? 'str' : Number.isInteger(raw) ? 'int' : 'float';
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: invalidValueMessage('max_results', raw, ` Hint: Value was of type '${type}'.`) + API_DOCS_HINT });
    return z.NEVER;
  });

const tags = repeated(keyValue).optional();
const tagList = (list: z.infer<typeof keyValue>[] | undefined) => (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));

/**
 * Who made a change, for the promotion history: the authenticated user, else the name a client
 * states in `X-Pixal-User` (MLflow's own client sends none), else ''.
 */
export function actorOf(ctx: HandlerContext): string {
  return ctx.user || ctx.c.req.header('x-pixal-user')?.trim() || '';
}

const modelName = z.object({ name: required('name') });
const versionRef = z.object({ name: required('name'), version: required('version') });
const search = (limit: number, defaultMax: number) =>
  z.object({
    filter: str.optional(),
    max_results: maxResults(limit).optional(),
    order_by: repeated(str).optional(),
    page_token: str.optional(),
  }).transform((r) => ({ filter: r.filter, maxResults: r.max_results ?? defaultMax, orderBy: r.order_by ?? [], pageToken: r.page_token || undefined }));

export function registryRoutes(api: MlflowApi, server: ServerContext): void {
  const { db, events } = server;
  api.post('registered-models/create', z.object({ name: required('name'), tags, description: str.optional() }), (r) => ({
    registered_model: createRegisteredModel(db, r.name, tagList(r.tags), r.description ?? ''),
  }));
  api.get('registered-models/get', modelName, (r) => ({ registered_model: getRegisteredModel(db, r.name) }));
  api.post('registered-models/rename', z.object({ name: required('name'), new_name: required('new_name') }), (r) => ({
    registered_model: renameRegisteredModel(db, r.name, r.new_name),
  }));
  api.patch('registered-models/update', z.object({ name: required('name'), description: str.optional() }), (r) => ({
    registered_model: updateRegisteredModel(db, r.name, r.description ?? ''),
  }));
  api.delete('registered-models/delete', modelName, (r, ctx) => {
    deleteRegisteredModel(db, r.name, actorOf(ctx));
    return {};
  });
  api.get('registered-models/search', search(1000, 100), (r) => {
    const page = searchRegisteredModels(db, r);
    return { registered_models: page.items.length > 0 ? page.items : undefined, next_page_token: page.nextPageToken };
  });
  api.route(['POST', 'GET'], 'registered-models/get-latest-versions', z.object({ name: required('name'), stages: repeated(str).optional() }), (r) => {
    const versions = getLatestVersions(db, r.name, r.stages ?? []);
    return { model_versions: versions.length > 0 ? versions : undefined };
  });
  api.post('registered-models/set-tag', z.object({ name: required('name'), key: required('key'), value: str.optional() }), (r) => {
    setRegisteredModelTag(db, r.name, r.key, r.value ?? '');
    return {};
  });
  api.delete('registered-models/delete-tag', z.object({ name: required('name'), key: required('key') }), (r) => {
    deleteRegisteredModelTag(db, r.name, r.key);
    return {};
  });
  // Promotions of a mirror go to the remote first (server/mirror/writes.ts).
  api.post('registered-models/alias', z.object({ name: required('name'), alias: required('alias'), version: required('version') }), async (r, ctx) => {
    await writeThrough(server.mirror, { method: 'POST', endpoint: 'registered-models/alias', body: r }, () => setRegisteredModelAlias(db, r.name, r.alias, r.version, actorOf(ctx)));
    events.publish({ type: 'alias', data: { model: r.name, alias: r.alias, version: String(Number(r.version)) } });
    return {};
  });
  api.delete('registered-models/alias', z.object({ name: required('name'), alias: required('alias') }), async (r, ctx) => {
    await writeThrough(server.mirror, { method: 'DELETE', endpoint: 'registered-models/alias', body: r }, () => deleteRegisteredModelAlias(db, r.name, r.alias, actorOf(ctx)));
    events.publish({ type: 'alias', data: { model: r.name, alias: r.alias, version: null } });
    return {};
  });
  api.get('registered-models/alias', z.object({ name: required('name'), alias: required('alias') }), (r) => ({
    model_version: getModelVersionByAlias(db, r.name, r.alias),
  }));

  api.post(
    'model-versions/create',
    z.object({ name: required('name'), source: required('source'), run_id: str.optional(), tags, run_link: str.optional(), description: str.optional() }),
    (r, ctx) => ({
      model_version: createModelVersion(db, {
        name: r.name,
        source: r.source,
        runId: r.run_id,
        tags: tagList(r.tags),
        runLink: r.run_link ?? '',
        description: r.description ?? '',
        userId: actorOf(ctx),
      }),
    }),
  );
  api.get('model-versions/get', versionRef, (r) => ({ model_version: getModelVersion(db, r.name, r.version) }));
  api.patch('model-versions/update', z.object({ name: required('name'), version: required('version'), description: str.optional() }), (r) => ({
    model_version: updateModelVersion(db, r.name, r.version, r.description ?? ''),
  }));
  api.delete('model-versions/delete', versionRef, (r, ctx) => {
    deleteModelVersion(db, r.name, r.version, actorOf(ctx));
    return {};
  });
  api.post(
    'model-versions/transition-stage',
    z.object({ name: required('name'), version: required('version'), stage: required('stage'), archive_existing_versions: bool.optional() }),
    async (r, ctx) => ({
      model_version: await writeThrough(server.mirror, { method: 'POST', endpoint: 'model-versions/transition-stage', body: r }, () =>
        transitionModelVersionStage(db, r.name, r.version, r.stage, r.archive_existing_versions ?? false, actorOf(ctx)),
      ),
    }),
  );
  api.get('model-versions/search', search(200_000, 200_000), (r) => {
    const page = searchModelVersions(db, r);
    return { model_versions: page.items.length > 0 ? page.items : undefined, next_page_token: page.nextPageToken };
  });
  // MLflow declares no schema here: a missing version reaches the integer check as ''.
  api.get('model-versions/get-download-uri', z.object({ name: str.optional(), version: str.optional() }), (r) => ({
    artifact_uri: getModelVersionDownloadUri(db, r.name ?? '', r.version ?? ''),
  }));
  api.post('model-versions/set-tag', z.object({ name: required('name'), version: required('version'), key: required('key'), value: str.optional() }), (r) => {
    setModelVersionTag(db, r.name, r.version, r.key, r.value ?? '');
    return {};
  });
  api.delete('model-versions/delete-tag', z.object({ name: required('name'), version: required('version'), key: required('key') }), (r) => {
    deleteModelVersionTag(db, r.name, r.version, r.key);
    return {};
  });
}
