// MLflow 3 "logged models" (mlflow.<flavor>.log_model's first call). pixal stores models as plain
// run artifacts under `model/`, so the store holds no logged models: search answers an empty page
// (the 3.x client's list_artifacts and load_text call it for every run path) and the write
// endpoints say plainly that they are not implemented.
import { z } from 'zod';
import type { Hono } from 'hono';
import type { MlflowApi } from '../http/api.ts';
import { MlflowError } from '../http/errors.ts';
import { repeated, str } from '../http/proto.ts';

const SearchLoggedModels = z.object({ experiment_ids: repeated(str).optional() });

export function loggedModelRoutes(app: Hono, api: MlflowApi): void {
  api.route(['POST', 'GET'], 'logged-models/search', SearchLoggedModels, () => ({}));
  const notImplemented = () => {
    throw new MlflowError('NOT_IMPLEMENTED', 'Logged models (MLflow 3 log_model) are not supported by pixal server: log the model files as run artifacts.');
  };
  for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
    app.all(`${prefix}/logged-models`, notImplemented);
    app.all(`${prefix}/logged-models/*`, notImplemented);
  }
}
