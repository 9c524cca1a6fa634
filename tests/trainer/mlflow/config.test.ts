// Configuration as MLflow's own client reads it: environment first, explicit options over it.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../trainer/mlflow/config.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('resolveConfig', () => {
  it('defaults to http://127.0.0.1:5000 with no credentials', () => {
    const config = resolveConfig({}, {});
    expect(config.baseUrl).toBe('http://127.0.0.1:5000');
    expect(config.authorization).toBeUndefined();
    expect(config.experimentName).toBeUndefined();
  });

  it('reads the tracking URI, a token and the experiment name from the environment', () => {
    const config = resolveConfig({}, { MLFLOW_TRACKING_URI: 'https://mlflow.lab.example/prefix/', MLFLOW_TRACKING_TOKEN: 't0k', MLFLOW_EXPERIMENT_NAME: 'flex' });
    expect(config.baseUrl).toBe('https://mlflow.lab.example/prefix');
    expect(config.authorization).toBe('Bearer t0k');
    expect(config.experimentName).toBe('flex');
  });

  it('prefers Basic credentials over a token, as MLflow does, and takes them from the URI too', () => {
    expect(resolveConfig({}, { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 't' }).authorization).toBe(basic('ann', 'pw'));
    const fromUri = resolveConfig({}, { MLFLOW_TRACKING_URI: 'http://bob:s%40cret@host:5000' });
    expect(fromUri.authorization).toBe(basic('bob', 's@cret'));
    expect(fromUri.baseUrl).toBe('http://host:5000');
  });

  it('lets explicit options override the environment', () => {
    const env = { MLFLOW_TRACKING_URI: 'http://env:1', MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_EXPERIMENT_NAME: 'env-exp', MLFLOW_HTTP_REQUEST_TIMEOUT: '7' };
    const config = resolveConfig({ trackingUri: 'http://opt:2', token: 'explicit', experimentName: 'opt-exp', timeoutMs: 1234 }, env);
    expect(config).toMatchObject({ baseUrl: 'http://opt:2', authorization: 'Bearer explicit', experimentName: 'opt-exp', timeoutMs: 1234 });
    expect(resolveConfig({}, env).timeoutMs).toBe(7000);
    expect(resolveConfig({}, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }).retry.maxAttempts).toBe(1);
  });

  it('refuses URIs that are not http(s), with a message that says what to set', () => {
    expect(() => resolveConfig({}, { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' })).toThrow(/MLFLOW_TRACKING_URI 'file:\/\/\/tmp\/mlruns' uses 'file:'.*http:\/\/ or https:\/\//);
    expect(() => resolveConfig({ trackingUri: 'databricks' })).toThrow(/is not a URL/);
    expect(() => resolveConfig({}, { MLFLOW_TRACKING_USERNAME: 'ann' })).toThrow(/must be set together/);
  });
});
