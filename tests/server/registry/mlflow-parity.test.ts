// The same registry conversation held with pixal and with a real `mlflow server` (3.17): every
// answer must match, status, JSON and error messages, once run ids and clocks are blanked out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rest, type Json, type Reply } from '../../support/rest.ts';
import { startMlflow, startPixal, type TestServer } from '../../support/servers.ts';

/** Names carry a suffix so the session can run again against a long-lived MLflow server. */
const S = `-${Date.now().toString(36)}`;
const scoped = `name LIKE '%${S}'`;

type Step = [method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: (run: string) => Json];

const STEPS: Step[] = [
  ['POST', 'registered-models/create', () => ({ name: `parity${S}`, description: 'flex AE', tags: [{ key: 'team', value: 'itk' }] })],
  ['POST', 'registered-models/create', () => ({ name: `parity${S}` })],
  ['POST', 'registered-models/create', () => ({ name: `other-model${S}` })],
  ['POST', 'model-versions/create', (run) => ({ name: `parity${S}`, source: `runs:/${run}/model`, run_id: run })],
  ['POST', 'model-versions/create', (run) => ({ name: `parity${S}`, source: `mlflow-artifacts:/0/${run}/artifacts/model`, run_id: run, description: 'd', run_link: 'http://x', tags: [{ key: 'a', value: 'b' }] })],
  ['POST', 'model-versions/create', () => ({ name: `parity${S}`, source: 's3://bucket/model' })],
  ['POST', 'model-versions/create', (run) => ({ name: `parity${S}`, source: `runs:/${run}/model` })],
  ['POST', 'model-versions/create', () => ({ name: `parity${S}`, source: '/tmp/model' })],
  ['POST', 'model-versions/create', () => ({ name: `parity${S}`, source: 's3://bucket/../x' })],
  ['POST', 'model-versions/create', () => ({ name: `nope${S}`, source: 's3://bucket/x' })],
  ['POST', 'model-versions/create', () => ({ name: `parity${S}` })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'prod', version: '1' })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'prod', version: '2' })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'v2', version: '2' })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'LATEST', version: '2' })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'bad alias', version: '2' })],
  ['POST', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'x', version: '99' })],
  ['GET', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'prod' })],
  ['GET', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'latest' })],
  ['GET', 'registered-models/alias', () => ({ name: `parity${S}`, alias: 'missing' })],
  ['POST', 'model-versions/transition-stage', () => ({ name: `parity${S}`, version: '1', stage: 'staging' })],
  ['POST', 'model-versions/transition-stage', () => ({ name: `parity${S}`, version: '2', stage: 'Production', archive_existing_versions: true })],
  ['POST', 'model-versions/transition-stage', () => ({ name: `parity${S}`, version: '3', stage: 'Production', archive_existing_versions: true })],
  ['POST', 'model-versions/transition-stage', () => ({ name: `parity${S}`, version: '3', stage: 'bogus' })],
  ['POST', 'model-versions/transition-stage', () => ({ name: `parity${S}`, version: '3' })],
  ['POST', 'registered-models/get-latest-versions', () => ({ name: `parity${S}` })],
  ['POST', 'registered-models/get-latest-versions', () => ({ name: `parity${S}`, stages: ['production', 'None'] })],
  ['GET', 'registered-models/get-latest-versions', () => ({ name: `parity${S}`, stages: 'Archived' })],
  ['POST', 'registered-models/get-latest-versions', () => ({ name: `parity${S}`, stages: ['bad'] })],
  ['POST', 'registered-models/set-tag', () => ({ name: `parity${S}`, key: 'k' })],
  ['POST', 'registered-models/set-tag', () => ({ name: `parity${S}`, key: 'bad key!', value: 'x' })],
  ['POST', 'registered-models/set-tag', () => ({ name: `nope${S}`, key: 'k', value: 'x' })],
  ['DELETE', 'registered-models/delete-tag', () => ({ name: `parity${S}`, key: 'never' })],
  ['POST', 'model-versions/set-tag', () => ({ name: `parity${S}`, version: '1', key: 'k', value: 'v' })],
  ['POST', 'model-versions/set-tag', () => ({ name: `parity${S}`, version: 'x', key: 'k', value: 'v' })],
  ['DELETE', 'model-versions/delete-tag', () => ({ name: `parity${S}`, version: '1', key: 'k' })],
  ['PATCH', 'registered-models/update', () => ({ name: `parity${S}`, description: 'new' })],
  ['PATCH', 'model-versions/update', () => ({ name: `parity${S}`, version: '2', description: 'newer' })],
  ['GET', 'model-versions/get', () => ({ name: `parity${S}`, version: '2' })],
  ['GET', 'model-versions/get', () => ({ name: `parity${S}`, version: '42' })],
  ['GET', 'model-versions/get', () => ({ name: `parity${S}` })],
  ['GET', 'model-versions/get-download-uri', () => ({ name: `parity${S}`, version: '2' })],
  ['GET', 'model-versions/get-download-uri', () => ({ name: `parity${S}`, version: '3' })],
  ['GET', 'registered-models/get', () => ({ name: `parity${S}` })],
  ['GET', 'registered-models/search', () => ({ filter: scoped })],
  ['GET', 'registered-models/search', () => ({ filter: scoped, max_results: 1 })],
  ['GET', 'registered-models/search', () => ({ filter: `name LIKE 'par%${S}'` })],
  ['GET', 'registered-models/search', () => ({ filter: `name LIKE 'PAR%${S}'` })],
  ['GET', 'registered-models/search', () => ({ filter: `tags.team = 'itk' AND ${scoped}`, order_by: 'name DESC' })],
  ['GET', 'registered-models/search', () => ({ max_results: 1001 })],
  ['GET', 'registered-models/search', () => ({ order_by: 'creation_timestamp' })],
  ['GET', 'registered-models/search', () => ({ page_token: 'abc' })],
  ['GET', 'model-versions/search', () => ({ filter: `name = 'parity${S}'`, order_by: 'version_number ASC' })],
  ['GET', 'model-versions/search', () => ({ filter: `tags.a = 'b' AND ${scoped}` })],
  ['GET', 'model-versions/search', () => ({ filter: `name = 'parity${S}' AND version_number > 1`, max_results: 1, order_by: ['version_number DESC'] })],
  ['GET', 'model-versions/search', () => ({ max_results: 0 })],
  ['GET', 'model-versions/search', () => ({ filter: "current_stage = 'None'" })],
  ['DELETE', 'model-versions/delete', () => ({ name: `parity${S}`, version: '2' })],
  ['GET', 'model-versions/get', () => ({ name: `parity${S}`, version: '2' })],
  ['GET', 'registered-models/get', () => ({ name: `parity${S}` })],
  ['POST', 'model-versions/create', () => ({ name: `parity${S}`, source: `models:/parity${S}/1` })],
  ['POST', 'registered-models/rename', () => ({ name: `parity${S}`, new_name: `other-model${S}` })],
  ['POST', 'registered-models/rename', () => ({ name: `parity${S}`, new_name: 'a/b' })],
  ['POST', 'registered-models/rename', () => ({ name: `parity${S}`, new_name: `renamed${S}` })],
  ['GET', 'model-versions/get', () => ({ name: `renamed${S}`, version: '1' })],
  ['DELETE', 'registered-models/alias', () => ({ name: `renamed${S}`, alias: 'never-set' })],
  ['DELETE', 'registered-models/delete', () => ({ name: `renamed${S}` })],
  ['DELETE', 'registered-models/delete', () => ({ name: `renamed${S}` })],
  ['GET', 'registered-models/search', () => ({ filter: scoped })],
];

let pixal: TestServer;
let mlflow: TestServer;

beforeAll(async () => {
  [pixal, mlflow] = await Promise.all([startPixal(), startMlflow()]);
}, 300_000);
afterAll(async () => {
  await Promise.all([pixal?.close(), mlflow?.close()]);
});

/** Python prints sets in hash order, which changes from process to process. */
const sortedSets = (message: string) => message.replace(/\{('[^']*'(?:, '[^']*')*)\}/g, (_m, inner: string) => `{${inner.split(', ').sort().join(', ')}}`);

/** Status and body with run ids and timestamps blanked, and MLflow 3's extra error fields dropped. */
function comparable(r: Reply, runId: string): unknown {
  const text = r.text.split(runId).join('<run>');
  const body = JSON.parse(text, (key, value: unknown) => (key.endsWith('_timestamp') ? '<time>' : value)) as Json;
  if (!('error_code' in body)) return { status: r.status, body };
  // MLflow appends SQLAlchemy's own error text to a rename clash; pixal stops at the sentence.
  const message = sortedSets(body.message as string).replace(/ Error: \(raised as a result of[\s\S]*$/, '');
  return { status: r.status, error_code: body.error_code, message };
}

it('answers a scripted registry session exactly as MLflow does', { timeout: 300_000 }, async () => {
  const sides = await Promise.all(
    [pixal, mlflow].map(async (server) => {
      const api = new Rest(server.url);
      const runId = ((await api.ok('POST', 'runs/create', { experiment_id: '0' })).run as { info: { run_id: string } }).info.run_id;
      const answers: unknown[] = [];
      for (const [method, path, body] of STEPS) answers.push(comparable(await api.call(method, path, body(runId)), runId));
      return answers;
    }),
  );
  const [ours, theirs] = sides as [unknown[], unknown[]];
  STEPS.forEach(([method, path, body], i) => {
    expect(ours[i], `${method} ${path} ${JSON.stringify(body('<run>'))}`).toEqual(theirs[i]);
  });
});
