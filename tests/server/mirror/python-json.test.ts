// Flask's JSON (MLflow's get-history-bulk) writes NaN and the infinities as bare tokens: they are
// read as protobuf-JSON's strings, and only outside strings.
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../../server/mirror/python-json.ts';

describe('parsePythonJson', () => {
  it('reads bare NaN, Infinity and -Infinity as the strings protobuf-JSON uses', () => {
    expect(parsePythonJson('{"metrics":[{"value":NaN},{"value":Infinity},{"value":-Infinity},{"value":-1.5}]}')).toEqual({
      metrics: [{ value: 'NaN' }, { value: 'Infinity' }, { value: '-Infinity' }, { value: -1.5 }],
    });
  });

  it('leaves the same words inside strings alone, escaped quotes included', () => {
    expect(parsePythonJson('{"key":"NaN \\" Infinity","value":NaN}')).toEqual({ key: 'NaN " Infinity', value: 'NaN' });
  });

  it('still refuses what is not JSON', () => {
    expect(() => parsePythonJson('{"value": nan}')).toThrow();
  });
});
