// The demo's last step: per image type, the sweep's model with the best validation (image AUROC, ties broken by
// pixel AUROC, then by grid order) becomes a new version of the registered model `<component>-<type>`, and the
// alias `production` moves to it (the server records the move in the promotion history).
import type { MlflowClient } from '../mlflow/client.ts';
import { DEMO_ALIAS } from './options.ts';

/** One validated model of the sweep. */
export interface Candidate {
  type: string;
  /** The training run whose model/ was validated. */
  runId: string;
  runName: string;
  /** The grid point, e.g. `channels=HSV pool_size=4`. */
  point: string;
  validationRunId: string;
  imageAuroc?: number;
  pixelAuroc?: number;
}

export interface Promotion {
  candidate: Candidate;
  model: string;
  version: string;
  alias: string;
}

/** Undefined (a metric that could not be computed) ranks below every number. */
const rank = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);

/** The best candidate of each type, in the order the types first appear; earlier candidates win full ties. */
export function bestPerType(candidates: readonly Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    const held = best.get(c.type);
    const better = !held || rank(c.imageAuroc) > rank(held.imageAuroc) || (rank(c.imageAuroc) === rank(held.imageAuroc) && rank(c.pixelAuroc) > rank(held.pixelAuroc));
    if (better) best.set(c.type, c);
  }
  return [...best.values()];
}

export const registeredModelName = (component: string, type: string) => `${component}-${type}`;

const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(4));

export async function promote(client: MlflowClient, component: string, winners: readonly Candidate[]): Promise<Promotion[]> {
  const promotions: Promotion[] = [];
  for (const candidate of winners) {
    const model = registeredModelName(component, candidate.type);
    await client.registry.createRegisteredModel(model, { description: `pixal demo: the best ${component} ${candidate.type} autoencoder of each demo sweep` });
    const version = await client.registry.createModelVersion({
      name: model,
      source: `runs:/${candidate.runId}/model`,
      runId: candidate.runId,
      description: `best of the demo sweep: ${candidate.point}, validation image AUROC ${fmt(candidate.imageAuroc)}, pixel AUROC ${fmt(candidate.pixelAuroc)}`,
      tags: { 'pixal.sweep_point': candidate.point, 'pixal.validation_run_id': candidate.validationRunId },
    });
    await client.registry.setAlias(model, DEMO_ALIAS, version.version);
    promotions.push({ candidate, model, version: version.version, alias: DEMO_ALIAS });
  }
  return promotions;
}

export function promotionLines(promotions: readonly Promotion[]): string[] {
  return promotions.map(
    (p) =>
      `  models:/${p.model}@${p.alias} = version ${p.version}: ${p.candidate.runName} (${p.candidate.point}), image AUROC ${fmt(p.candidate.imageAuroc)}, pixel AUROC ${fmt(p.candidate.pixelAuroc)}`,
  );
}
