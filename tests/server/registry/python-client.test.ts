// The official `mlflow` Python client against a real pixal server: artifacts up, model registered,
// promoted by alias and stage, downloaded back through `models:/flex-ae@production`; the promotion
// history saw each step.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, VENV_PYTHON } from '../../support/servers.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.close();
});

it('round-trips a model through the registry and the artifact proxy', { timeout: 240_000 }, async () => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MLFLOW_'))) as Record<string, string>;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      VENV_PYTHON,
      [join(REPO_ROOT, 'tests/server/registry/client_roundtrip.py')],
      { cwd: REPO_ROOT, env: { ...clean, MLFLOW_TRACKING_URI: f.url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }, timeout: 200_000 },
      (err, out, errOut) => done({ code: err ? 1 : 0, stdout: out, stderr: errOut }),
    ),
  );
  expect(code, stderr.slice(-3000)).toBe(0);
  const seen = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  const runId = seen.run_id as string;
  expect(seen).toMatchObject({
    version: '1',
    alias_version: '1',
    aliases: ['production'],
    stage: 'Staging',
    same_bytes: true,
    listed: ['model/MLmodel', 'model/weights.bin'],
    text: 'loss went down',
    found: ['1'],
    models: ['flex-ae'],
  });
  expect(seen.source).toMatch(new RegExp(`^mlflow-artifacts:/\\d+/${runId}/artifacts/model$`));
  expect(seen.download_uri).toBe(seen.source);

  const history = (await (await fetch(`${f.url}/api/pixal/promotions?model=flex-ae`)).json()) as { events: { kind: string; alias?: string; from?: string; to?: string }[] };
  expect(history.events.map(({ kind, alias, from, to }) => ({ kind, alias, from, to })).reverse()).toEqual([
    { kind: 'alias_set', alias: 'production', from: undefined, to: '1' },
    { kind: 'stage_transition', alias: undefined, from: 'None', to: 'Staging' },
    { kind: 'alias_removed', alias: 'production', from: '1', to: undefined },
  ]);
});
