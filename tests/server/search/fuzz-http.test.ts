// HTTP fuzz of the search endpoints: thousands of generated (and mutated) filter and order_by
// strings go to the real server over a real SQLite store holding a few runs. Every answer must be
// 200 with a JSON body or a 4xx MLflow error envelope {error_code, message}; never a 5xx.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { Generator, rng } from './generate.ts';

const API = '/api/2.0/mlflow';

let server: RunningServer;
let dir: string;
let experimentId: string;

interface Answer {
  status: number;
  body: unknown;
}

async function call(method: 'GET' | 'POST', path: string, payload: Record<string, unknown>): Promise<Answer> {
  let url = `${server.url}${API}/${path}`;
  const init: RequestInit = { method };
  if (method === 'POST') {
    init.body = JSON.stringify(payload);
    init.headers = { 'content-type': 'application/json' };
  } else {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(payload)) {
      for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
    }
    url += `?${query}`;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

async function post(path: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await call('POST', path, payload);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as Record<string, unknown>;
}

/** A few runs with the metric, param and tag keys the generator uses, so filters meet real rows. */
async function seed(): Promise<void> {
  const created = await post('experiments/create', { name: 'search-fuzz', tags: [{ key: 'team', value: 'cv' }] });
  experimentId = created.experiment_id as string;
  const keys = ['loss', 'acc', 'lr', 'f1-score', 'f1 score', 'a.b', 'model.type', 'x'];
  for (let i = 0; i < 6; i++) {
    const run = (await post('runs/create', { experiment_id: experimentId, run_name: `run-${i}`, start_time: 1000 + i }))
      .run as { info: { run_id: string } };
    const runId = run.info.run_id;
    await post('runs/log-batch', {
      run_id: runId,
      metrics: keys.map((key, k) => ({ key, value: i * 0.5 - k, timestamp: 1, step: 0 })),
      params: keys.map((key) => ({ key, value: `${key}-${i % 3}` })),
      tags: [{ key: 'mlflow.runName', value: `run-${i}` }, ...keys.map((key) => ({ key, value: i % 2 ? 'x' : "it's" }))],
    });
    if (i % 2) await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: 2000 + i });
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-fuzz-'));
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'mlflow.db')}`,
    artifactsDestination: join(dir, 'artifacts'),
    logLevel: 'silent',
  });
  await seed();
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What is wrong with an answer, if anything. */
function fault(answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status === 200) return typeof answer.body === 'object' && answer.body !== null ? undefined : 'non-JSON 200';
  if (answer.status < 400) return `status ${answer.status}`;
  const body = answer.body as { error_code?: unknown; message?: unknown } | undefined;
  return typeof body?.error_code === 'string' && typeof body.message === 'string' ? undefined : 'no error envelope';
}

describe('search endpoints under fuzzed filters and order_by', () => {
  it('answer 200 or a 4xx MLflow error, never a 5xx', { timeout: 120_000 }, async () => {
    const generate = new Generator(rng(7));
    const requests: { method: 'GET' | 'POST'; path: string; payload: Record<string, unknown> }[] = [];
    const orderBys = (kind: Parameters<Generator['orderBy']>[0]) =>
      generate.chance(0.5) ? [] : Array.from({ length: 1 + generate.int(2) }, () => generate.orderBy(kind));
    for (let i = 0; i < 1200; i++) {
      const filter = i % 120 === 0 ? generate.huge('run') : generate.filter('run');
      const payload: Record<string, unknown> = { experiment_ids: [experimentId, '0'], filter, order_by: orderBys('run') };
      if (generate.chance(0.2)) payload.max_results = 1 + generate.int(3);
      requests.push({ method: 'POST', path: 'runs/search', payload });
    }
    for (let i = 0; i < 500; i++) {
      const payload = { filter: generate.filter('experiment'), order_by: orderBys('experiment'), max_results: 10 };
      requests.push({ method: generate.chance(0.5) ? 'POST' : 'GET', path: 'experiments/search', payload });
    }
    for (let i = 0; i < 250; i++) {
      requests.push({
        method: 'GET',
        path: 'registered-models/search',
        payload: { filter: generate.filter('registered_model'), order_by: orderBys('registered_model') },
      });
      requests.push({
        method: 'GET',
        path: 'model-versions/search',
        payload: { filter: generate.filter('model_version'), order_by: orderBys('model_version') },
      });
    }

    const faults: string[] = [];
    const statuses = new Map<number, number>();
    const inFlight = 4;
    for (let start = 0; start < requests.length; start += inFlight) {
      const batch = requests.slice(start, start + inFlight);
      const answers = await Promise.all(batch.map((r) => call(r.method, r.path, r.payload)));
      answers.forEach((answer, i) => {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problem = fault(answer);
        if (problem) {
          const request = JSON.stringify(batch[i]).slice(0, 400);
          faults.push(`${problem}: ${request}\n  → ${JSON.stringify(answer.body).slice(0, 300)}`);
        }
      });
    }
    console.info(`fuzz-http: ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(faults.slice(0, 20).join('\n'), `${faults.length} bad answers`).toBe('');
    // Enough searches get through to exercise the SQL side too.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(requests.length / 10);
  });
});
