// Python renderings inside MLflow's messages, checked against Python itself (the project's .venv).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { posixNormpath, pyBytesRepr, pyFloat, pyJsonDumps, pyRepr, pyValueRepr } from '../../../server/http/python-format.ts';
import { VENV_PYTHON } from '../../support/servers.ts';

/** Runs `expression` over each input in Python; inputs and outputs travel as JSON. */
function python(expression: string, inputs: unknown[]): unknown[] {
  const script = `import json, sys, posixpath, base64\nprint(json.dumps([${expression} for x in json.load(sys.stdin)]))`;
  const result = spawnSync(VENV_PYTHON, ['-c', script], { input: JSON.stringify(inputs), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as unknown[];
}

const STRINGS = ['plain', "it's", 'say "hi"', 'both \' and "', 'back\\slash', 'tab\there', 'new\nline', 'ünï', '日本', '\u0001', ''];

describe('Python renderings', () => {
  it('json.dumps(sort_keys=True, separators=(",", ":"))', () => {
    const values = [...STRINGS, 0, -1, 123, 1.5, -0.25, 1e-7, null, true, [1, 'a'], { b: 1, a: [2] }];
    expect(values.map(pyJsonDumps)).toEqual(python('json.dumps(x, sort_keys=True, separators=(",", ":"))', values));
  });

  it('repr(str) and repr of parsed JSON values', () => {
    expect(STRINGS.map(pyRepr)).toEqual(python('repr(x)', STRINGS));
    const values = [{ offset: 0 }, { offset: 'abc', x: [1, null, true] }, [], 'x'];
    expect(values.map(pyValueRepr)).toEqual(python('repr(x)', values));
  });

  it('repr(bytes)', () => {
    const texts = ['foo', "it's", 'a"b', 'ü\n\t\\'];
    expect(texts.map((t) => pyBytesRepr(Buffer.from(t, 'utf8')))).toEqual(python('repr(x.encode())', texts));
  });

  it('str(float)', () => {
    const numbers = [1, 0.5, -2, 1e-7, 1.5e300, 123456789.125, 1e16, 9999999999999998, 0.0001, 0.00012345, -3.25e-5, 0.1 + 0.2];
    expect(numbers.map(pyFloat)).toEqual(python('str(float(x))', numbers));
    expect([Number.NaN, Infinity, -Infinity].map(pyFloat)).toEqual(['nan', 'inf', '-inf']);
  });

  it('posixpath.normpath', () => {
    const paths = ['', '.', 'a', 'a/b', 'a//b', 'a/./b', 'a/../b', '../a', 'a/..', '/a', '//a', '///a', 'a/', 'a..b', '...', 'a/b/../../..', '/..', './a'];
    expect(paths.map(posixNormpath)).toEqual(python('posixpath.normpath(x)', paths));
  });
});
