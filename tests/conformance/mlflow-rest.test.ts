// Black-box conformance of the MLflow REST API: every case runs against our server and against
// the real `mlflow server` (.venv, 3.17.2), one server per target for the whole file (MLflow takes
// ~20 s to start). CONFORMANCE_TARGETS=mlflow (or pixal) narrows the targets.
import { afterAll, beforeAll, describe } from 'vitest';
import { Conformance } from '../support/conformance.ts';
import { conformanceTargets } from '../support/servers.ts';
import { artifactCases } from './cases/artifacts.ts';
import { experimentCases } from './cases/experiments.ts';
import { registryCases } from './cases/registry.ts';
import { runCases } from './cases/runs.ts';
import { searchCases } from './cases/search.ts';
import { wireCases } from './cases/wire.ts';

describe.each(conformanceTargets())('MLflow REST conformance on %s', (target, start) => {
  const ctx = new Conformance(target);
  beforeAll(async () => {
    ctx.server = await start();
  });
  afterAll(async () => {
    await ctx.server?.close();
  });

  describe('wire format and errors', () => wireCases(ctx));
  describe('experiments', () => experimentCases(ctx));
  describe('runs', () => runCases(ctx));
  describe('runs/search', () => searchCases(ctx));
  describe('artifacts', () => artifactCases(ctx));
  describe('model registry', () => registryCases(ctx));
});
