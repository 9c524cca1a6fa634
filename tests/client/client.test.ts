// The official MLflow Python client, end to end, against our server run as `pixal server`.
// CLIENT_E2E_TARGETS=pixal,mlflow also runs it against the real server (to validate the script).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, VENV_PYTHON, startMlflow, startPixal, type TestServer } from '../support/servers.ts';

const SCRIPT = join(REPO_ROOT, 'tests/client/mlflow_client_e2e.py');
const targets = (process.env.CLIENT_E2E_TARGETS ?? 'pixal').split(',').map((s) => s.trim());
const starters = { pixal: () => startPixal({ spawned: true }), mlflow: startMlflow };

function runScript(trackingUri: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    // No retries: the client would otherwise retry a 5xx for minutes before failing.
    const env = { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_HTTP_REQUEST_TIMEOUT: '30', PYTHONUNBUFFERED: '1' };
    const child = spawn(VENV_PYTHON, [SCRIPT], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, output }));
  });
}

const cases = targets.filter((t): t is keyof typeof starters => t in starters).map((t) => [t, starters[t]] as const);

describe.each(cases)('official MLflow client against %s', (_target, start) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('logs, searches, downloads, registers and loads by alias with every assertion holding', async () => {
    const { code, output } = await runScript(server.url);
    expect(code, output.slice(-6000)).toBe(0);
    expect(output).toContain('[client-e2e] all checks passed');
  }, 180_000);
});
