// Retries against a tiny real HTTP server that misbehaves on cue: 503 then 200 is retried with
// backoff; a 400 is not, and its error_code and message reach the caller.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { MlflowClientError } from '../../../trainer/mlflow/errors.ts';
import { freePort } from '../../support/servers.ts';

const FAST_RETRIES = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 };
const EXPERIMENT = { experiment_id: '7', name: 'flex', artifact_location: 'mlflow-artifacts:/7', lifecycle_stage: 'active' };

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

/** Serves `answers` in turn (the last one again when they run out), recording each request. */
async function serve(answers: ((res: ServerResponse) => void)[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => answers[Math.min(seen.length, answers.length) - 1]!(res));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('HTTP retries', () => {
  it('retries 503 twice with backoff, then takes the 200', async () => {
    const unavailable = json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
    const { url, seen } = await serve([unavailable, unavailable, json(200, { experiment: EXPERIMENT })]);
    const client = new MlflowClient({ trackingUri: url, token: 'secret', retry: FAST_RETRIES }, {});
    const experiment = await client.getExperimentByName('flex');
    expect(experiment).toMatchObject({ experimentId: '7', name: 'flex', artifactLocation: 'mlflow-artifacts:/7' });
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill('/api/2.0/mlflow/experiments/get-by-name?experiment_name=flex'));
    expect(seen.every((s) => s.authorization === 'Bearer secret')).toBe(true);
  });

  it('retries 429 and a reply that is not JSON (a proxy page)', async () => {
    const proxyPage = (res: ServerResponse) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    const { url, seen } = await serve([json(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'Retry-After': '0' }), proxyPage, json(200, {})]);
    await new MlflowClient({ trackingUri: url, retry: FAST_RETRIES }, {}).setTags('r1', { a: 'b' });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a 400, and reports the status, error_code, message, method and path', async () => {
    const { url, seen } = await serve([json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'name'." })]);
    const client = new MlflowClient({ trackingUri: url, retry: FAST_RETRIES }, {});
    const error = await client.getOrCreateExperiment('').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowClientError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      serverMessage: "Missing value for required parameter 'name'.",
      method: 'GET',
      path: '/api/2.0/mlflow/experiments/get-by-name',
      transient: false,
      attempts: 1,
    });
    expect((error as Error).message).toBe(
      "MLflow GET /api/2.0/mlflow/experiments/get-by-name → 400 INVALID_PARAMETER_VALUE: Missing value for required parameter 'name'.",
    );
    expect(seen).toHaveLength(1);
  });

  it('gives up once its attempts are spent when nothing listens, saying why', async () => {
    const port = await freePort();
    const error = await new MlflowClient({ trackingUri: `http://127.0.0.1:${port}`, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } }, {}).getRun('r').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: undefined, serverMessage: 'ECONNREFUSED', attempts: 3, transient: true });
  });

  it('times out a request that gets no answer', async () => {
    const { url, seen } = await serve([() => undefined]);
    const client = new MlflowClient({ trackingUri: url, timeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } }, {});
    const error = await client.getRun('r').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: undefined, serverMessage: 'timed out after 200 ms', attempts: 2, transient: true });
    expect(seen).toHaveLength(2);
  });
});
