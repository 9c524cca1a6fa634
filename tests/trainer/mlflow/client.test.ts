// The trainer's MLflow client against our server and the real `mlflow server`, the same tests on both:
// experiments, the run lifecycle, batching at MLflow's limits, artifacts, the registry and model URIs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitIntoBatches } from '../../../trainer/mlflow/batch.ts';
import { MlflowClient, PARENT_RUN_TAG } from '../../../trainer/mlflow/client.ts';
import { RunSpool } from '../../../trainer/mlflow/spool.ts';
import type { MetricPoint } from '../../../trainer/mlflow/types.ts';
import { Rest, asMap, uniqueName } from '../../support/rest.ts';
import { conformanceTargets, type TestServer } from '../../support/servers.ts';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mlflow-client-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small tree with nested folders, an empty file, a binary one and a name that needs escaping. */
function modelTree(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'MLmodel': Buffer.from('flavors:\n  tfjs: {}\n'),
    'model.json': Buffer.from('{"format":"layers-model"}'),
    'weights/group1-shard1of1.bin': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)),
    'metadata/preprocess/channels rgb.yaml': Buffer.from('channels: RGB\n'),
    'metadata/empty.txt': Buffer.alloc(0),
  };
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return files;
}

function expectTree(root: string, files: Record<string, Buffer>): void {
  for (const [path, bytes] of Object.entries(files)) expect(readFileSync(join(root, path)).equals(bytes), path).toBe(true);
}

describe.each(conformanceTargets())('MLflow client against %s', (target, start) => {
  let server: TestServer;
  let client: MlflowClient;
  let experimentId: string;

  beforeAll(async () => {
    server = await start();
    client = new MlflowClient({ trackingUri: server.url, retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 } }, {});
    experimentId = (await client.getOrCreateExperiment(uniqueName('client'))).experimentId;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gets or creates an experiment by name, once even when asked concurrently', async () => {
    const name = uniqueName('get-or-create');
    expect(await client.getExperimentByName(name)).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 4 }, () => client.getOrCreateExperiment(name)));
    expect(new Set(results.map((e) => e.experimentId)).size).toBe(1);
    expect(results[0]).toMatchObject({ name, lifecycleStage: 'active', artifactLocation: `mlflow-artifacts:/${results[0]!.experimentId}` });
    expect((await client.getOrCreateExperiment(name)).experimentId).toBe(results[0]!.experimentId);
    // The name from the environment, as MLFLOW_EXPERIMENT_NAME sets it.
    const fromEnv = new MlflowClient({}, { MLFLOW_TRACKING_URI: server.url, MLFLOW_EXPERIMENT_NAME: name });
    expect((await fromEnv.getOrCreateExperiment()).experimentId).toBe(results[0]!.experimentId);
    await new Rest(server.url).ok('POST', 'experiments/delete', { experiment_id: results[0]!.experimentId });
    await expect(client.getOrCreateExperiment(name)).rejects.toThrow(/is deleted: restore it or choose another name/);
  });

  it('creates, nests, updates, searches and pages runs', async () => {
    const parent = await client.createRun({ experimentId, runName: 'grid', tags: { 'pixal.grid': 'channels' }, startTime: 1_700_000_000_000 });
    expect(parent.info).toMatchObject({ runName: 'grid', status: 'RUNNING', experimentId, startTime: 1_700_000_000_000, endTime: undefined });
    expect(parent.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${parent.info.runId}/artifacts`);
    const children = [];
    for (const channels of ['RGB', 'HSV', 'LAB_ab', 'GRAY', 'XYZ'])
      children.push(await client.createRun({ experimentId, runName: `ae-${channels}`, parentRunId: parent.info.runId, tags: { channels } }));
    const child = await client.getRun(children[0]!.info.runId);
    expect(asMap(child.data.tags)).toMatchObject({ [PARENT_RUN_TAG]: parent.info.runId, channels: 'RGB', 'mlflow.runName': 'ae-RGB' });

    const ended = await client.updateRun(parent.info.runId, { status: 'FINISHED' });
    expect(ended.status).toBe('FINISHED');
    expect(ended.endTime).toBeGreaterThan(0);

    const filter = `tags.${PARENT_RUN_TAG} = '${parent.info.runId}'`;
    const page = await client.searchRuns({ experimentIds: [experimentId], filter, maxResults: 2, orderBy: ['attributes.run_name ASC'] });
    expect(page.runs.map((r) => r.info.runName)).toEqual(['ae-GRAY', 'ae-HSV']);
    expect(page.nextPageToken).toBeDefined();
    const names: string[] = [];
    for await (const run of client.iterateRuns({ experimentIds: [experimentId], filter, maxResults: 2, orderBy: ['attributes.run_name ASC'] })) names.push(run.info.runName);
    expect(names).toEqual(['ae-GRAY', 'ae-HSV', 'ae-LAB_ab', 'ae-RGB', 'ae-XYZ']);
  });

  it('batches 2500 metrics, 150 params and 120 tags within the limits, every point readable', async () => {
    const run = await client.createRun({ experimentId, runName: 'batched' });
    const runId = run.info.runId;
    const logger = client.runLogger(runId, { flushIntervalMs: 60_000, spoolDir: join(scratch, `spool-${target}`) });
    const logged: MetricPoint[] = [];
    for (let step = 0; step < 2500; step++) {
      const point = { key: 'loss', value: step === 7 ? Number.NaN : 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step };
      logged.push(point);
      logger.logMetric(point.key, point.value, point.step, point.timestamp);
    }
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i]));
    logger.logParams(params);
    logger.logParams({ p0: 0 }); // the same value again is a no-op
    expect(() => logger.logParam('p0', 1)).toThrow(/does not allow changing it/);
    for (let i = 0; i < 120; i++) logger.setTag(`t${i}`, `v${i}`);
    expect(splitIntoBatches({ metrics: logged, params: [], tags: [] }).map((b) => b.metrics.length)).toEqual([1000, 1000, 500]);
    const report = await logger.close({ endStatus: 'FINISHED' });
    expect(report).toMatchObject({ drained: true, pending: 0, rejected: [] });

    const history = await client.getMetricHistory(runId, 'loss');
    expect(history).toHaveLength(2500);
    expect(history.map((p) => p.step)).toEqual(logged.map((p) => p.step));
    expect(Number.isNaN(history[7]!.value)).toBe(true);
    expect(history[100]).toEqual(logged[100]);
    const ended = await client.getRun(runId);
    expect(ended.info.status).toBe('FINISHED');
    expect(ended.data.params).toHaveLength(150);
    expect(asMap(ended.data.params).p149).toBe('149');
    expect(asMap(ended.data.tags)).toMatchObject({ t0: 'v0', t119: 'v119' });
  });

  it('sets tags, logs params and inputs directly, and surfaces a changed param as the server words it', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    await client.logParams(runId, { lr: 0.001, pool: 2 });
    await client.logParams(runId, { lr: 0.001 });
    await client.setTags(runId, { stage: 'train', empty: '' });
    await client.logInputs(runId, [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'flex', digest: 'abc123', source_type: 'local', source: '{"uri": "out/flex"}' } }]);
    const run = await client.getRun(runId);
    expect(asMap(run.data.params)).toEqual({ lr: '0.001', pool: '2' });
    expect(asMap(run.data.tags)).toMatchObject({ stage: 'train', empty: '' });
    expect(run.datasetInputs.map((d) => d.dataset.name)).toEqual(['flex']);
    await expect(client.logParams(runId, { lr: 0.01 })).rejects.toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', serverMessage: expect.stringMatching(/^Changing param values is not allowed/) });
  });

  it('keeps one copy of a point sent twice, so replaying an unacknowledged spool duplicates nothing', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const points = Array.from({ length: 5 }, (_, step) => ({ key: 'acc', value: step / 10, step, timestamp: 1_700_000_000_000 + step }));
    await client.logMetrics(runId, points);
    await client.logMetrics(runId, points);
    // A spool whose process died after sending but before writing the acknowledgement.
    const dir = join(scratch, `replay-${target}`);
    const spool = RunSpool.open(dir, runId);
    spool.append('runs/log-batch', { run_id: runId, metrics: points.map((p) => ({ ...p })), params: [{ key: 'seed', value: '1' }], tags: [] });
    spool.append('runs/log-batch', { run_id: runId, metrics: points.map((p) => ({ ...p })), params: [{ key: 'seed', value: '1' }], tags: [] });
    spool.append('runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_000_100 });
    spool.close();
    const [report] = await client.replaySpool(dir);
    expect(report).toMatchObject({ runId, sent: 3, pending: 0, rejected: [] });
    expect((await client.getMetricHistory(runId, 'acc')).map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    expect((await client.getRun(runId)).info).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_000_100 });
  });

  it('uploads a nested tree, lists it and downloads it back byte for byte', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const source = join(scratch, `tree-${target}`);
    const files = modelTree(source);
    const artifacts = await client.runArtifacts(runId);
    await artifacts.logDirectory(source, 'model');
    writeFileSync(join(scratch, 'summary.txt'), 'auc 0.93\n');
    await artifacts.logFile(join(scratch, 'summary.txt'));
    expect((await artifacts.list()).map((f) => [f.path, f.isDir])).toEqual([
      ['model', true],
      ['summary.txt', false],
    ]);
    const listed = await artifacts.listFiles('model');
    expect(listed.map((f) => f.path).sort()).toEqual(Object.keys(files).map((p) => `model/${p}`).sort());
    expect(listed.find((f) => f.path === 'model/weights/group1-shard1of1.bin')?.fileSize).toBe(70_000);

    const dst = join(scratch, `download-${target}`);
    expect(await artifacts.download('model', dst)).toBe(join(dst, 'model'));
    expectTree(join(dst, 'model'), files);
    expect(readFileSync(await artifacts.download('summary.txt', dst), 'utf8')).toBe('auc 0.93\n');
    await expect(artifacts.downloadFile('missing.bin', dst)).rejects.toMatchObject({ status: 404 });
  });

  it('registers a version, points an alias at it and resolves models:/name@alias to the run', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const files = modelTree(join(scratch, `registered-${target}`));
    await (await client.runArtifacts(runId)).logDirectory(join(scratch, `registered-${target}`), 'model');
    const name = uniqueName('flex-ae');
    const created = await client.registry.createRegisteredModel(name, { description: 'flex autoencoder' });
    expect((await client.registry.createRegisteredModel(name)).name).toBe(created.name);
    const version = await client.registry.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    expect(version).toMatchObject({ name, version: '1', runId });
    await client.registry.setAlias(name, 'production', version.version);
    expect((await client.registry.getModelVersionByAlias(name, 'production')).version).toBe('1');
    expect((await client.registry.getModelVersion(name, '1')).aliases).toEqual(['production']);
    expect(await client.registry.getDownloadUri(name, '1')).toMatch(new RegExp(`${runId}(/artifacts)?/model$`));

    for (const uri of [`models:/${name}@production`, `models:/${name}/1`, `runs:/${runId}/model`])
      expect(await client.resolveModelUri(uri), uri).toMatchObject({ runId, artifactPath: 'model' });
    const downloaded = await client.downloadModel(`models:/${name}@production`, join(scratch, `model-${target}`));
    expect(downloaded.modelVersion?.version).toBe('1');
    expectTree(downloaded.localPath, files);
    await expect(client.resolveModelUri(`models:/${name}@staging`)).rejects.toMatchObject({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      serverMessage: 'Registered model alias staging not found.',
    });
  });
});
