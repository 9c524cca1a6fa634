import { describe, expect, it } from 'vitest';
import { artifactRoutePath, joinArtifactPath, parseModelUri, proxiedArtifactPath } from '../../../trainer/mlflow/uris.ts';

describe('model URIs', () => {
  it('parses runs:/, models:/name/version and models:/name@alias', () => {
    expect(parseModelUri('runs:/abc123/model')).toEqual({ kind: 'run', runId: 'abc123', artifactPath: 'model' });
    expect(parseModelUri('runs:/abc123/model/sub/')).toEqual({ kind: 'run', runId: 'abc123', artifactPath: 'model/sub' });
    expect(parseModelUri('runs:/abc123')).toEqual({ kind: 'run', runId: 'abc123', artifactPath: '' });
    expect(parseModelUri('models:/flex-ae/3')).toEqual({ kind: 'version', name: 'flex-ae', version: '3' });
    expect(parseModelUri('models:/flex-ae@production')).toEqual({ kind: 'alias', name: 'flex-ae', alias: 'production' });
  });

  it('refuses stages and other schemes with a hint', () => {
    expect(() => parseModelUri('models:/flex-ae/Production')).toThrow(/use an alias/);
    expect(() => parseModelUri('s3://bucket/model')).toThrow(/not a model URI/);
  });
});

describe('artifact paths', () => {
  it('maps proxied locations to paths in the artifact store', () => {
    expect(proxiedArtifactPath('mlflow-artifacts:/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect(proxiedArtifactPath('mlflow-artifacts://host:5000/1/abc/artifacts/')).toBe('1/abc/artifacts');
    expect(proxiedArtifactPath('http://host:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect(() => proxiedArtifactPath('file:///tmp/mlruns/1/abc/artifacts')).toThrow(/only through mlflow-artifacts/);
  });

  it('joins parts, refuses .., and encodes each segment for the route', () => {
    expect(joinArtifactPath('model/', undefined, '/sub', 'a.bin')).toBe('model/sub/a.bin');
    expect(() => joinArtifactPath('model', '../etc')).toThrow(/must not contain '\.\.'/);
    expect(artifactRoutePath('1/r/artifacts/a b#.txt')).toBe('/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b%23.txt');
  });
});
