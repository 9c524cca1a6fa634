// Where a validation job's child logs: this server with its own credentials, or, on a mirror, the
// remote with the remote's credentials (never ours: they mean nothing there).
import { describe, expect, it } from 'vitest';
import { childTrackingEnv } from '../../../../server/dashboard/jobs/runner.ts';

const OWN = 'http://127.0.0.1:5000';

describe('childTrackingEnv', () => {
  it('points the child at this server with its auth when not mirroring', () => {
    expect(childTrackingEnv(OWN, { kind: 'none' })).toEqual({ MLFLOW_TRACKING_URI: OWN });
    expect(childTrackingEnv(OWN, { kind: 'token', token: 't' })).toEqual({ MLFLOW_TRACKING_URI: OWN, MLFLOW_TRACKING_TOKEN: 't' });
    expect(childTrackingEnv(OWN, { kind: 'basic', user: 'u', password: 'p' })).toEqual({ MLFLOW_TRACKING_URI: OWN, MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' });
  });

  it("points the child at the remote with the remote's credentials when mirroring", () => {
    const ours = { kind: 'token', token: 'ours' } as const;
    expect(childTrackingEnv(OWN, ours, { url: 'https://mlflow.lab' })).toEqual({ MLFLOW_TRACKING_URI: 'https://mlflow.lab' });
    expect(childTrackingEnv(OWN, ours, { url: 'https://mlflow.lab', token: 'theirs' })).toEqual({ MLFLOW_TRACKING_URI: 'https://mlflow.lab', MLFLOW_TRACKING_TOKEN: 'theirs' });
    expect(childTrackingEnv(OWN, ours, { url: 'https://mlflow.lab', username: 'ann', password: 'pw' })).toEqual({
      MLFLOW_TRACKING_URI: 'https://mlflow.lab',
      MLFLOW_TRACKING_USERNAME: 'ann',
      MLFLOW_TRACKING_PASSWORD: 'pw',
    });
  });
});
