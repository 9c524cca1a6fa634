// MLflow REST: experiments (create, get, get-by-name, search, update, delete, restore, tags).
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import type { MlflowApi } from '../http/api.ts';
import { notFound } from '../http/errors.ts';
import { int64, repeated, requireNonEmpty, str } from '../http/proto.ts';
import { parseExperimentFilter } from '../search/filter.ts';
import { parseOrderBy } from '../search/order-by.ts';
import { trackingStore } from '../tracking/store.ts';
import { viewTypeOf } from '../tracking/view-type.ts';
import { keyValues, optionalKeyValue } from '../tracking/request-fields.ts';

const experimentId = z.object({ experiment_id: str.optional() });

const createRequest = z.object({ name: str.optional(), artifact_location: str.optional(), tags: z.array(optionalKeyValue).optional() });
const getByNameRequest = z.object({ experiment_name: str.optional() });
const searchRequest = z.object({
  max_results: int64.optional(),
  page_token: str.optional(),
  filter: str.optional(),
  order_by: repeated(str).optional(),
  view_type: z.union([str, z.number()]).optional(),
});
const updateRequest = z.object({ experiment_id: str.optional(), new_name: str.optional() });
const tagRequest = z.object({ experiment_id: str.optional(), key: str.optional(), value: str.optional() });

export function experimentRoutes(api: MlflowApi, ctx: ServerContext): void {
  const { experiments } = trackingStore(ctx.db.$client);

  api.post('experiments/create', createRequest, (req) => {
    const name = requireNonEmpty(req.name, 'name');
    return { experiment_id: experiments.create(name, req.artifact_location, keyValues(req.tags)) };
  });

  api.get('experiments/get', experimentId, (req) => ({ experiment: experiments.get(requireNonEmpty(req.experiment_id, 'experiment_id')) }));

  api.get('experiments/get-by-name', getByNameRequest, (req) => {
    const name = requireNonEmpty(req.experiment_name, 'experiment_name');
    const experiment = experiments.getByName(name);
    // mlflow.set_experiment relies on this 404 to decide to create the experiment.
    if (experiment === null) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment };
  });

  api.route(['GET', 'POST'], 'experiments/search', searchRequest, (req) => {
    const page = experiments.search({
      // An unknown enum name is dropped by MLflow's protobuf parser, leaving the default.
      view: (req.view_type === undefined ? undefined : viewTypeOf(req.view_type)) ?? 'ACTIVE_ONLY',
      // Unset, protobuf reads 0, which MLflow then refuses.
      maxResults: req.max_results ?? 0,
      filter: parseExperimentFilter(req.filter),
      orderBy: (req.order_by ?? []).map((o) => parseOrderBy(o, 'experiment')),
      pageToken: req.page_token,
    });
    return { ...(page.experiments.length > 0 ? { experiments: page.experiments } : {}), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  });

  api.post('experiments/update', updateRequest, (req) => {
    const id = requireNonEmpty(req.experiment_id, 'experiment_id');
    experiments.rename(id, requireNonEmpty(req.new_name, 'new_name'));
    return {};
  });

  api.post('experiments/delete', experimentId, (req) => {
    experiments.delete(requireNonEmpty(req.experiment_id, 'experiment_id'));
    return {};
  });

  api.post('experiments/restore', experimentId, (req) => {
    experiments.restore(requireNonEmpty(req.experiment_id, 'experiment_id'));
    return {};
  });

  api.post('experiments/set-experiment-tag', tagRequest, (req) => {
    const id = requireNonEmpty(req.experiment_id, 'experiment_id');
    experiments.setTag(id, requireNonEmpty(req.key, 'key'), req.value ?? '');
    return {};
  });

  api.post('experiments/delete-experiment-tag', tagRequest, (req) => {
    const id = requireNonEmpty(req.experiment_id, 'experiment_id');
    experiments.deleteTag(id, requireNonEmpty(req.key, 'key'));
    return {};
  });
}
