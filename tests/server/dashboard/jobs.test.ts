// Validation jobs on a real server: bad requests are refused before any job exists (folder,
// run, model URI), a child that fails leaves a FAILED job with its error, and a restarted server
// fails the jobs its predecessor left running (but not those of a server still alive).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../../server/db/schema.ts';
import type { Job } from '../../../server/dashboard/jobs/job.ts';
import type { Json } from '../../support/rest.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';
import { openEvents } from './sse-client.ts';

let d: Dashboard;
let runId: string;
let images: string;

beforeAll(async () => {
  d = await startDashboard();
  images = join(d.dir, 'images', 'flex');
  mkdirSync(join(images, 'front'), { recursive: true });
  writeFileSync(join(d.dir, 'images', 'notes.txt'), 'not a folder');
  const experimentId = await d.api.createExperiment('jobs');
  runId = (await d.api.createRun(experimentId)).info.run_id as string;
  await d.api.ok('POST', 'registered-models/create', { name: 'flex' });
  await d.api.ok('POST', 'model-versions/create', { name: 'flex', source: `runs:/${runId}/model`, run_id: runId });
});
afterAll(async () => d?.close());

const submit = (body: Json) => d.post('/api/pixal/jobs/validate', body);

describe('validation jobs: refused before they start', () => {
  it('names the folder, run or model that is wrong, and creates no job', async () => {
    const unknownRun = 'feedfacefeedfacefeedfacefeedface';
    const cases: [Json, number, string, RegExp][] = [
      [{ input_dir: join(d.dir, 'nowhere'), run_id: runId }, 400, 'INVALID_PARAMETER_VALUE', new RegExp(`input_dir '${join(d.dir, 'nowhere')}' does not exist`)],
      [{ input_dir: join(d.dir, 'images', 'notes.txt'), run_id: runId }, 400, 'INVALID_PARAMETER_VALUE', /notes\.txt' is not a folder/],
      [{ input_dir: images, run_id: unknownRun }, 404, 'RESOURCE_DOES_NOT_EXIST', new RegExp(`Run with id=${unknownRun} not found`)],
      [{ input_dir: images }, 400, 'INVALID_PARAMETER_VALUE', /exactly one of run_id or model_uri/],
      [{ input_dir: images, run_id: runId, model_uri: 'models:/flex/1' }, 400, 'INVALID_PARAMETER_VALUE', /exactly one of run_id or model_uri/],
      [{ input_dir: images, model_uri: 'models:/flex@staging' }, 400, 'INVALID_PARAMETER_VALUE', /alias staging not found/],
      [{ input_dir: images, model_uri: 'models:/other/1' }, 404, 'RESOURCE_DOES_NOT_EXIST', /other/],
      [{ input_dir: images, model_uri: 'models:/flex/7' }, 404, 'RESOURCE_DOES_NOT_EXIST', /flex/],
      [{ input_dir: images, model_uri: `runs:/${unknownRun}/model` }, 404, 'RESOURCE_DOES_NOT_EXIST', new RegExp(unknownRun)],
      [{ input_dir: images, model_uri: 'flex' }, 400, 'INVALID_PARAMETER_VALUE', /Invalid model URI 'flex'/],
      [{ run_id: runId }, 400, 'INVALID_PARAMETER_VALUE', /'input_dir'/],
    ];
    for (const [body, status, code, message] of cases) {
      const reply = await submit(body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.json.error_code, JSON.stringify(body)).toBe(code);
      expect(reply.json.message, JSON.stringify(body)).toMatch(message);
    }
    expect(ok<{ jobs: Job[] }>(await d.get('/api/pixal/jobs')).jobs).toEqual([]);
    const unknown = await d.get('/api/pixal/jobs/0123');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/Job with id=0123 not found/);
    expect((await d.get('/api/pixal/jobs', { limit: 0 })).status).toBe(400);
  });
});

describe('validation jobs: a child that fails', () => {
  it('ends FAILED with the child error, published as job events', { timeout: 120_000 }, async () => {
    const events = await openEvents(`${d.url}/api/pixal/events`);
    try {
      // The run has no model/ artifacts: the validation command itself refuses it.
      const created = await submit({ input_dir: images, model_uri: 'models:/flex/1' });
      expect(created.status).toBe(201);
      const job = (created.json as { job: Job }).job;
      expect(job).toMatchObject({ kind: 'validate', params: { input_dir: images, model_uri: 'models:/flex/1' }, error: null, result_run_ids: [] });
      expect(['QUEUED', 'RUNNING']).toContain(job.status);
      let seen: Job;
      do seen = await events.nextEvent<Job>('job', 100_000);
      while (seen.job_id !== job.job_id || seen.status !== 'FAILED');
      const stored = ok<{ job: Job }>(await d.get(`/api/pixal/jobs/${job.job_id}`)).job;
      expect(stored).toEqual(seen);
      expect(stored.error).toMatch(/model|artifact|flex/i);
      expect(stored.log_tail).toContain(stored.error!.split('\n').at(-1)!);
      expect(ok<{ jobs: Job[] }>(await d.get('/api/pixal/jobs')).jobs.map((j) => j.job_id)).toEqual([job.job_id]);
    } finally {
      events.close();
    }
  });
});

describe('validation jobs across a restart', () => {
  it('fails jobs left running by a server that is gone, keeps those of a live one', async () => {
    const other = await startDashboard();
    const { dir } = other;
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.once('exit', () => resolve(child.pid!));
    });
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const row = (jobId: string, status: 'RUNNING' | 'QUEUED', ownerPid: number) => ({
      jobId,
      kind: 'validate' as const,
      status,
      params: JSON.stringify({ input_dir: '/x', run_id: 'r' }),
      progress: JSON.stringify({ done: 1, total: 4, stage: 'front: detect' }),
      ownerPid,
      createdTime: 1,
      updatedTime: 1,
    });
    try {
      other.server.db.insert(jobs).values([row('gone-running', 'RUNNING', gone), row('gone-queued', 'QUEUED', gone), row('alive', 'RUNNING', alive.pid!)]).run();
      await other.server.close();
      const restarted = await startDashboard({ dir });
      try {
        const list = ok<{ jobs: Job[] }>(await restarted.get('/api/pixal/jobs')).jobs;
        const byId = new Map(list.map((j) => [j.job_id, j]));
        for (const id of ['gone-running', 'gone-queued'])
          expect(byId.get(id)).toMatchObject({ status: 'FAILED', error: 'server restarted while the job ran', progress: { done: 1, total: 4, stage: 'front: detect' } });
        expect(byId.get('alive')).toMatchObject({ status: 'RUNNING', error: null });
      } finally {
        await restarted.close();
      }
    } finally {
      alive.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
