// Wire format and error envelope of the MLflow REST API, checked against our server and the real
// `mlflow server` alike: both prefixes, GET query strings, content types, bodies, error statuses.
import { beforeAll, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { AJAX_API, API, Rest, expectError, expectOk, uniqueName } from '../../support/rest.ts';

export function wireCases(ctx: Conformance): void {
  const { target } = ctx;
  let api: Rest;
  beforeAll(() => {
    api = ctx.api;
  });

  it('answers /health with OK and /version with a version string', async () => {
    const health = await api.raw('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.text).toBe('OK');
    const version = await api.raw('GET', '/version');
    expect(version.status).toBe(200);
    expect(version.text).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves every route under both /api and /ajax-api prefixes', async () => {
    const name = uniqueName('prefixes');
    const id = (await api.withPrefix(AJAX_API).createExperiment(name)) as string;
    const viaApi = expectOk(await api.get('experiments/get', { experiment_id: id }));
    expect((viaApi.experiment as { name: string }).name).toBe(name);
    const viaAjax = expectOk(await api.withPrefix(AJAX_API).get('experiments/get-by-name', { experiment_name: name }));
    expect((viaAjax.experiment as { experiment_id: string }).experiment_id).toBe(id);
  });

  it('reads GET fields from the query string, repeated keys as lists', async () => {
    const group = uniqueName('repeated');
    const names = [uniqueName('rep-b'), uniqueName('rep-a')];
    for (const name of names) await api.createExperiment(name, { tags: [{ key: 'group', value: group }] });
    const r = expectOk(await api.get('experiments/search', { filter: `tags.group = '${group}'`, order_by: ['name DESC', 'experiment_id ASC'], max_results: 10 }));
    expect((r.experiments as { name: string }[]).map((e) => e.name)).toEqual([...names].sort().reverse());
  });

  it('reads a GET without a query string from its JSON body', async () => {
    const r = await api.raw('GET', `${API}/experiments/get`, { body: JSON.stringify({ experiment_id: '0' }), headers: { 'Content-Type': 'application/json' } });
    expect((expectOk(r).experiment as { name: string }).name).toBe('Default');
  });

  it('rejects a POST whose Content-Type is not application/json', async () => {
    const body = JSON.stringify({ name: uniqueName('ct') });
    expectError(await api.raw('POST', `${API}/experiments/create`, { body, headers: { 'Content-Type': 'text/plain' } }), 400, 'INVALID_PARAMETER_VALUE', "Bad Request. Content-Type must be one of ['application/json'].");
    // A Uint8Array body makes fetch send no Content-Type at all.
    expectError(await api.raw('POST', `${API}/experiments/create`, { body: new TextEncoder().encode(body) }), 400, 'INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type header is missing.');
  });

  it('accepts application/json with a charset parameter', async () => {
    const r = await api.raw('POST', `${API}/experiments/create`, { body: JSON.stringify({ name: uniqueName('charset') }), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(typeof expectOk(r).experiment_id).toBe('string');
  });

  it('answers malformed JSON with a 400 error, never a 5xx', async () => {
    const r = await api.raw('POST', `${API}/experiments/create`, { body: '{"name":', headers: { 'Content-Type': 'application/json' } });
    if (target === 'mlflow') {
      // MLflow reads an unparsable body as {} and reports the first missing field.
      expectError(r, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    } else {
      // Deliberate deviation: ours says the body is not JSON instead of blaming a field.
      expectError(r, 400, 'BAD_REQUEST');
    }
  });

  it('ignores unknown request fields', async () => {
    const r = expectOk(await api.post('experiments/create', { name: uniqueName('unknown'), no_such_field: 1, nested: { x: [1] } }));
    expect(typeof r.experiment_id).toBe('string');
  });

  it('answers a mutation that has nothing to say with exactly {}', async () => {
    const r = await api.post('experiments/set-experiment-tag', { experiment_id: '0', key: 'conformance.touch', value: 'x' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('accepts int64 fields as numeric strings and returns them as numbers', async () => {
    const experimentId = await api.createExperiment(uniqueName('int64'));
    const run = await api.createRun(experimentId, { start_time: '1234567890123' });
    expect(run.info.start_time).toBe(1234567890123);
  });

  it("reports a missing required field with MLflow's verbatim message", async () => {
    expectError(await api.post('experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    expectError(await api.post('experiments/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    expectError(await api.get('experiments/get'), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_id'.");
  });

  it("reports a mistyped field with MLflow's verbatim message", async () => {
    expectError(await api.post('experiments/create', { name: 123 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 123 for parameter 'name' supplied");
    expectError(await api.post('runs/search', { experiment_ids: '0', max_results: 1 }), 400, 'INVALID_PARAMETER_VALUE', `Invalid value "0" for parameter 'experiment_ids' supplied`);
  });

  it('answers unknown experiments with 404 RESOURCE_DOES_NOT_EXIST and bad ids with 400', async () => {
    expectError(await api.get('experiments/get', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.get('experiments/get-by-name', { experiment_name: uniqueName('absent') }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.get('experiments/get', { experiment_id: 'abc' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('answers an unknown route with 404', async () => {
    const r = await api.raw('GET', `${API}/no-such-route`);
    expect(r.status).toBe(404);
    // MLflow answers Flask's HTML page; ours keeps the JSON envelope so clients can parse it.
    if (target === 'pixal') expectError(r, 404, 'ENDPOINT_NOT_FOUND');
  });

  it('refuses a known route with the wrong method', async () => {
    const r = await api.raw('GET', `${API}/experiments/create?name=x`);
    // MLflow (Flask) answers 405 Method Not Allowed; ours answers 404 ENDPOINT_NOT_FOUND (JSON).
    if (target === 'mlflow') expect(r.status).toBe(405);
    else expectError(r, 404, 'ENDPOINT_NOT_FOUND');
  });

  it('answers the MLflow 3 server-info probe so the client assumes no multipart upload', async () => {
    const r = await api.raw('GET', '/api/3.0/mlflow/server-info');
    // The client treats a 404 as "no multipart"; MLflow itself answers 200 with the flags.
    expect([200, 404]).toContain(r.status);
    if (r.status === 200) expect(r.json.multipart_uploads_enabled).toBe(false);
  });
}
