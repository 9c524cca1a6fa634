// The same artifact session with pixal and with a real `mlflow server --serve-artifacts` (3.17):
// downloads (bytes and headers), listings and errors must match.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API, ARTIFACTS, Rest, type Json } from '../../support/rest.ts';
import { startMlflow, startPixal, type TestServer } from '../../support/servers.ts';

type Step = [method: 'GET' | 'PUT', path: (run: string) => string, body?: string];

/** A prefix so the session can run again against a long-lived MLflow server. */
const P = `parity-${Date.now().toString(36)}`;

const STEPS: Step[] = [
  ['PUT', () => `${ARTIFACTS}/${P}/model/MLmodel`, 'flavors: {}\n'],
  ['PUT', () => `${ARTIFACTS}/${P}/plots/a%20b.png`, 'PNG'],
  ['PUT', () => `${ARTIFACTS}/${P}/data.csv`, 'a,b\n1,2\n'],
  ['PUT', () => `${ARTIFACTS}/${P}/weights.bin`, 'w'.repeat(1000)],
  ['PUT', () => `${ARTIFACTS}/${P}/d%C3%A9j%C3%A0.txt`, 'accents'],
  ['PUT', (run) => `${ARTIFACTS}/0/${run}/artifacts/model/MLmodel`, 'run model'],
  ['PUT', (run) => `${ARTIFACTS}/0/${run}/artifacts/summary.json`, '{"loss": 0.1}'],
  ['GET', () => `${ARTIFACTS}/${P}/model/MLmodel`],
  ['GET', () => `${ARTIFACTS}/${P}/plots/a%20b.png`],
  ['GET', () => `${ARTIFACTS}/${P}/data.csv`],
  ['GET', () => `${ARTIFACTS}/${P}/weights.bin`],
  ['GET', () => `${ARTIFACTS}/${P}/d%C3%A9j%C3%A0.txt`],
  ['GET', () => `${ARTIFACTS}/${P}/./data.csv`],
  ['GET', () => `${ARTIFACTS}/${P}/nope.txt`],
  ['GET', () => `${ARTIFACTS}?path=${P}`],
  ['GET', () => `${ARTIFACTS}?path=${P}/plots`],
  ['GET', () => `${ARTIFACTS}?path=${P}/data.csv`],
  ['GET', () => `${ARTIFACTS}?path=${P}/missing`],
  ['GET', () => `${ARTIFACTS}?path=..%2F${P}`],
  ['GET', () => `${ARTIFACTS}/..%2F${P}/data.csv`],
  ['GET', () => `${ARTIFACTS}/%252e%252e%252f${P}`],
  ['GET', () => `${ARTIFACTS}/%2Fetc%2Fpasswd`],
  ['GET', () => `${ARTIFACTS}/${P}%23x`],
  ['GET', (run) => `${API}/artifacts/list?run_id=${run}`],
  ['GET', (run) => `${API}/artifacts/list?run_id=${run}&path=model`],
  ['GET', (run) => `${API}/artifacts/list?run_id=${run}&path=summary.json`],
  ['GET', (run) => `${API}/artifacts/list?run_id=${run}&path=../x`],
  ['GET', () => `${API}/artifacts/list?run_id=nope`],
  ['GET', () => `${API}/artifacts/list`],
  ['GET', (run) => `/get-artifact?run_id=${run}&path=model/MLmodel`],
  ['GET', (run) => `/get-artifact?run_id=${run}&path=summary.json`],
  ['GET', (run) => `/get-artifact?run_id=${run}&path=nope`],
  ['GET', (run) => `/get-artifact?run_id=${run}&path=..%2F..%2Fx`],
  ['GET', () => `/get-artifact?path=x`],
];

let pixal: TestServer;
let mlflow: TestServer;

beforeAll(async () => {
  [pixal, mlflow] = await Promise.all([startPixal(), startMlflow()]);
}, 300_000);
afterAll(async () => {
  await Promise.all([pixal?.close(), mlflow?.close()]);
});

const HEADERS = ['content-type', 'content-disposition', 'x-content-type-options', 'content-length'];

async function comparable(res: Response, runId: string): Promise<unknown> {
  const text = (await res.text()).split(runId).join('<run>');
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const body = JSON.parse(text) as Json;
    if ('error_code' in body) return { status: res.status, error_code: body.error_code, message: body.message };
    return { status: res.status, body };
  }
  return { status: res.status, text, headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h)])) };
}

it('serves, lists and refuses artifacts exactly as MLflow does', { timeout: 300_000 }, async () => {
  const sides = await Promise.all(
    [pixal, mlflow].map(async (server) => {
      const runId = ((await new Rest(server.url).ok('POST', 'runs/create', { experiment_id: '0' })).run as { info: { run_id: string } }).info.run_id;
      const answers: unknown[] = [];
      for (const [method, path, body] of STEPS) {
        const res = await fetch(`${server.url}${path(runId)}`, { method, body });
        // MLflow 3.17 answers an upload with an empty body, pixal (like earlier MLflow) with {}.
        answers.push(method === 'PUT' ? res.status : await comparable(res, runId));
      }
      return answers;
    }),
  );
  const [ours, theirs] = sides as [unknown[], unknown[]];
  STEPS.forEach(([method, path], i) => expect(ours[i], `${method} ${path('<run>')}`).toEqual(theirs[i]));
  // The session did reach files: most answers are successful downloads and listings.
  expect(theirs.filter((a) => a === 200 || (a as { status?: number }).status === 200).length).toBeGreaterThan(20);
});
