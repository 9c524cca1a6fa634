// GET /api/pixal/promotions: the promotion history recorded beside every alias and stage change,
// read back from a real server after real registry calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from '../registry/fixture.ts';

interface Event {
  id: number;
  model: string;
  kind: string;
  version: string;
  alias?: string;
  from?: string;
  to?: string;
  user: string;
  time: number;
}

let f: Fixture;
let api: Rest;
let runId: string;

async function history(f: Fixture, query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ events: Event[]; next_before?: number }> {
  const res = await fetch(`${f.url}/api/pixal/promotions?${new URLSearchParams(query)}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { events: Event[]; next_before?: number };
}

/** The events without ids and times, oldest first, for readable comparisons. */
const story = (events: Event[]) => [...events].reverse().map(({ id: _id, time: _time, ...rest }) => rest);

async function modelWithVersions(name: string, count: number): Promise<void> {
  expectOk(await api.post('registered-models/create', { name }));
  for (let i = 0; i < count; i++) expectOk(await api.post('model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId }));
}

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
  runId = f.seedRun();
});
afterAll(async () => {
  await f?.close();
});

describe('promotion history', () => {
  it('records alias set, moved and removed, and stage transitions, newest first', async () => {
    await modelWithVersions('flex-ae', 3);
    const before = Date.now();
    const hdr = { 'X-Pixal-User': 'marta' };
    const call = (method: 'POST' | 'DELETE', path: string, body: Json) =>
      api.raw(method, `/api/2.0/mlflow/${path}`, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...hdr } });
    expectOk(await call('POST', 'registered-models/alias', { name: 'flex-ae', alias: 'production', version: '1' }));
    expectOk(await call('POST', 'registered-models/alias', { name: 'flex-ae', alias: 'production', version: '1' })); // no change, no event
    expectOk(await call('POST', 'registered-models/alias', { name: 'flex-ae', alias: 'production', version: '2' }));
    expectOk(await call('POST', 'model-versions/transition-stage', { name: 'flex-ae', version: '1', stage: 'production' }));
    expectOk(await call('POST', 'model-versions/transition-stage', { name: 'flex-ae', version: '2', stage: 'Production', archive_existing_versions: true }));
    expectOk(await call('DELETE', 'registered-models/alias', { name: 'flex-ae', alias: 'production' }));
    expectOk(await call('DELETE', 'registered-models/alias', { name: 'flex-ae', alias: 'production' })); // already gone, no event
    const { events, next_before } = await history(f, { model: 'flex-ae' });
    expect(next_before).toBeUndefined();
    expect(story(events)).toEqual([
      { model: 'flex-ae', kind: 'alias_set', version: '1', alias: 'production', to: '1', user: 'marta' },
      { model: 'flex-ae', kind: 'alias_moved', version: '2', alias: 'production', from: '1', to: '2', user: 'marta' },
      { model: 'flex-ae', kind: 'stage_transition', version: '1', from: 'None', to: 'Production', user: 'marta' },
      { model: 'flex-ae', kind: 'stage_transition', version: '1', from: 'Production', to: 'Archived', user: 'marta' },
      { model: 'flex-ae', kind: 'stage_transition', version: '2', from: 'None', to: 'Production', user: 'marta' },
      { model: 'flex-ae', kind: 'alias_removed', version: '2', alias: 'production', from: '2', user: 'marta' },
    ]);
    for (const e of events) expect(e.time).toBeGreaterThanOrEqual(before);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('records the aliases a deleted version held, and those of a deleted model', async () => {
    await modelWithVersions('short-lived', 2);
    expectOk(await api.post('registered-models/alias', { name: 'short-lived', alias: 'a', version: '2' }));
    expectOk(await api.post('registered-models/alias', { name: 'short-lived', alias: 'b', version: '2' }));
    expectOk(await api.post('registered-models/alias', { name: 'short-lived', alias: 'c', version: '1' }));
    expectOk(await api.delete('model-versions/delete', { name: 'short-lived', version: '2' }));
    let { events } = await history(f, { model: 'short-lived' });
    expect(story(events).slice(3)).toEqual([
      { model: 'short-lived', kind: 'alias_removed', version: '2', alias: 'a', from: '2', user: '' },
      { model: 'short-lived', kind: 'alias_removed', version: '2', alias: 'b', from: '2', user: '' },
    ]);
    expectOk(await api.delete('registered-models/delete', { name: 'short-lived' }));
    ({ events } = await history(f, { model: 'short-lived' }));
    expect(story(events).at(-1)).toEqual({ model: 'short-lived', kind: 'alias_removed', version: '1', alias: 'c', from: '1', user: '' });
  });

  it('writes nothing when the change fails', async () => {
    await modelWithVersions('unchanged', 1);
    expectError(await api.post('registered-models/alias', { name: 'unchanged', alias: 'prod', version: '5' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.post('model-versions/transition-stage', { name: 'unchanged', version: '1', stage: 'nowhere' }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('model-versions/transition-stage', { name: 'unchanged', version: '9', stage: 'Staging' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await history(f, { model: 'unchanged' })).events).toEqual([]);
  });

  it('follows a renamed model', async () => {
    await modelWithVersions('before-rename', 1);
    expectOk(await api.post('registered-models/alias', { name: 'before-rename', alias: 'prod', version: '1' }));
    expectOk(await api.post('registered-models/rename', { name: 'before-rename', new_name: 'after-rename' }));
    expect((await history(f, { model: 'before-rename' })).events).toEqual([]);
    expect(story((await history(f, { model: 'after-rename' })).events)).toEqual([{ model: 'after-rename', kind: 'alias_set', version: '1', alias: 'prod', to: '1', user: '' }]);
  });

  it('pages with limit and before, across all models when none is named', async () => {
    await modelWithVersions('paged', 3);
    for (const v of ['1', '2', '3', '1', '2']) expectOk(await api.post('registered-models/alias', { name: 'paged', alias: 'roaming', version: v }));
    const first = await history(f, { model: 'paged', limit: '2' });
    expect(first.events.map((e) => e.to)).toEqual(['2', '1']);
    expect(first.next_before).toBe(first.events[1]!.id);
    const second = await history(f, { model: 'paged', limit: '2', before: String(first.next_before) });
    expect(second.events.map((e) => e.to)).toEqual(['3', '2']);
    const third = await history(f, { model: 'paged', limit: '2', before: String(second.next_before) });
    expect(third.events.map((e) => e.kind)).toEqual(['alias_set']);
    expect(third.next_before).toBeUndefined();
    const all = await history(f, { limit: '1000' });
    expect(new Set(all.events.map((e) => e.model))).toEqual(new Set(['flex-ae', 'short-lived', 'after-rename', 'paged']));
  });

  it('refuses a malformed query', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'before=-3', 'model=']) {
      const res = await fetch(`${f.url}/api/pixal/promotions?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as Json).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});

describe('promotion history with authentication', () => {
  let authed: Fixture;
  beforeAll(async () => {
    authed = await startFixture('basic:alice:s3cret');
  });
  afterAll(async () => {
    await authed?.close();
  });

  it('names the authenticated user, whatever header the client adds', async () => {
    const headers = { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}`, 'Content-Type': 'application/json', 'X-Pixal-User': 'mallory' };
    const post = (path: string, body: Json) => fetch(`${authed.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const runId = authed.seedRun();
    expect((await post('registered-models/create', { name: 'guarded' })).status).toBe(200);
    const created = (await (await post('model-versions/create', { name: 'guarded', source: `runs:/${runId}/m`, run_id: runId })).json()) as Json;
    expect((created.model_version as Json).user_id).toBe('alice');
    expect((await post('registered-models/alias', { name: 'guarded', alias: 'prod', version: '1' })).status).toBe(200);
    expect((await fetch(`${authed.url}/api/pixal/promotions`)).status).toBe(401);
    const { events } = await history(authed, { model: 'guarded' }, { Authorization: headers.Authorization });
    expect(events.map((e) => [e.kind, e.user])).toEqual([['alias_set', 'alice']]);
  });
});
