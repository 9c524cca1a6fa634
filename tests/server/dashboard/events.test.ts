// GET /api/pixal/events read with a real fetch from a real server: run, metric and alias events
// follow successful writes only; heartbeats keep the stream alive; stopping the server ends it.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../server/dashboard/events.ts';
import { eventStream } from '../../../server/dashboard/sse.ts';
import { startDashboard, type Dashboard } from './fixture.ts';
import { openEvents, streamEnds } from './sse-client.ts';

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
});
afterAll(async () => d?.close());

describe('live events', () => {
  it('streams run, metrics and alias events after each write', async () => {
    const events = await openEvents(`${d.url}/api/pixal/events`);
    try {
      expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await events.next((f) => f.comments.includes('connected'));
      const experimentId = await d.api.createExperiment('live');
      const runId = (await d.api.createRun(experimentId, { run_name: 'live-1' })).info.run_id as string;
      expect(await events.nextEvent('run')).toEqual({ run_id: runId, experiment_id: experimentId, status: 'RUNNING', run_name: 'live-1' });

      await d.api.ok('POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 'NaN', timestamp: 5, step: 1 });
      expect(await events.nextEvent('metrics')).toEqual({ run_id: runId, points: [{ key: 'loss', step: 1, timestamp: 5, value: 'NaN' }] });
      // A refused write publishes nothing: the next metrics event is the batch after it.
      expect((await d.api.post('runs/log-metric', { run_id: 'feedfacefeedfacefeedfacefeedface', key: 'loss', value: 1, timestamp: 5 })).status).toBe(404);
      await d.api.logBatch(runId, {
        metrics: [
          { key: 'loss', value: 0.5, timestamp: 6, step: 2 },
          { key: 'acc', value: 0.9, timestamp: 6, step: 2 },
        ],
        params: [{ key: 'lr', value: '0.1' }],
      });
      expect(await events.nextEvent('metrics')).toEqual({
        run_id: runId,
        points: [
          { key: 'loss', step: 2, timestamp: 6, value: 0.5 },
          { key: 'acc', step: 2, timestamp: 6, value: 0.9 },
        ],
      });
      await d.api.ok('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: 10 });
      expect(await events.nextEvent('run')).toEqual({ run_id: runId, experiment_id: experimentId, status: 'FINISHED', run_name: 'live-1' });

      await d.api.ok('POST', 'registered-models/create', { name: 'flex' });
      await d.api.ok('POST', 'model-versions/create', { name: 'flex', source: `runs:/${runId}/model`, run_id: runId });
      await d.api.ok('POST', 'registered-models/alias', { name: 'flex', alias: 'production', version: '1' });
      expect(await events.nextEvent('alias')).toEqual({ model: 'flex', alias: 'production', version: '1' });
      await d.api.ok('DELETE', 'registered-models/alias', { name: 'flex', alias: 'production' });
      expect(await events.nextEvent('alias')).toEqual({ model: 'flex', alias: 'production', version: null });
    } finally {
      events.close();
    }
  });

  it('gives every open stream each event', async () => {
    const [a, b] = [await openEvents(`${d.url}/api/pixal/events`), await openEvents(`${d.url}/api/pixal/events`)];
    try {
      await Promise.all([a, b].map((s) => s.next((f) => f.comments.includes('connected'))));
      const experimentId = await d.api.createExperiment('fan-out');
      const runId = (await d.api.createRun(experimentId)).info.run_id as string;
      for (const stream of [a, b]) expect((await stream.nextEvent<{ run_id: string }>('run')).run_id).toBe(runId);
    } finally {
      a.close();
      b.close();
    }
  });

  it('sends a ping comment between events', async () => {
    const bus = new EventBus();
    const app = new Hono().get('/events', (c) => eventStream(c, bus, 50));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const address = server.address();
    const events = await openEvents(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/events`);
    try {
      expect((await events.next((f) => f.comments.includes('ping'))).event).toBeUndefined();
      bus.publish({ type: 'alias', data: { model: 'm', alias: 'a', version: '2' } });
      expect(await events.nextEvent('alias')).toEqual({ model: 'm', alias: 'a', version: '2' });
      await events.next((f) => f.comments.includes('ping'));
      bus.close();
      expect(await streamEnds(events)).toBe(true);
      expect(bus.size).toBe(0);
    } finally {
      events.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ends open streams when the server stops, so it can stop', async () => {
    const other = await startDashboard();
    const events = await openEvents(`${other.url}/api/pixal/events`);
    await events.next((f) => f.comments.includes('connected'));
    await other.close();
    expect(await streamEnds(events)).toBe(true);
  });
});
