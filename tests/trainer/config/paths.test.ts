import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaths, parsePaths } from '../../../trainer/config/paths.ts';
import { ConfigError } from '../../../trainer/config/errors.ts';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('configs/paths.yaml', () => {
  const paths = loadPaths();

  it('resolves each entry recursively down to its root, with the component and type inserted', () => {
    expect(paths.resolve('out_path')).toBe('out/');
    expect(paths.resolve('component_model_path')).toBe('out/R0_Triplet_Data_Flex_F1');
    expect(paths.resolve('aligned_images_path', { component: 'flex', type: 'front' })).toBe('out/flex/front/preprocessed_images/aligned_images');
    expect(paths.resolve('validate_aligned_metrics_path', { component: 'flex', type: 'back' })).toBe('validate/flex/back/figures/aligned_metrics');
    expect(paths.resolve('model_path', { component: 'flex' })).toBe('out/flex/model');
  });

  it('gives every output of a type for training and validation', () => {
    expect(paths.outputs('train', 'flex', 'front')).toEqual({
      root: 'out/flex/front',
      backgroundRemoved: 'out/flex/front/preprocessed_images/background_removed',
      aligned: 'out/flex/front/preprocessed_images/aligned_images',
      alignedMetrics: 'out/flex/front/figures/aligned_metrics',
      metadata: 'out/flex/front/metadata',
      logs: 'out/flex/front/logs',
    });
    expect(paths.outputs('validate', 'flex', 'front').metadata).toBe('validate/flex/front/metadata');
  });
});

describe('paths.yaml semantics', () => {
  it('accepts a base given by entry name, and absolute roots', () => {
    const p = parsePaths('root: /data/out\ncomp:\n  component: c\n  base: root\nleaf:\n  leaf: x\n  base: comp\n', 'p.yaml');
    expect(p.resolve('leaf', { type: 't' })).toBe('/data/out/c/t/x');
  });

  it('names a cycle of bases, in order', () => {
    const problems = problemsOf(() => parsePaths('root: ./out\na:\n  a: x\n  base: b\nb:\n  b: y\n  base: a\n', 'p.yaml'));
    expect(problems).toEqual(['p.yaml: cycle in base chain: a -> b -> a']);
  });

  it('names a self-referencing anchor as a cycle', () => {
    const problems = problemsOf(() => parsePaths('a: &a\n  a: x\n  base: *a\n', 'p.yaml'));
    expect(problems).toEqual(['p.yaml: cycle in base chain: a -> a']);
  });

  it('names unknown bases, missing bases and malformed entries', () => {
    const problems = problemsOf(() =>
      parsePaths('root: &root ./out\na:\n  a: x\n  base: *nowhere\nb:\n  b: y\n  base: nobody\nc:\n  c: z\nd:\n  d1: p\n  d2: q\n  base: *root\ne: 3\n', 'p.yaml'),
    );
    expect(problems).toEqual([
      'p.yaml: a.base: *nowhere names no anchor in this file',
      "p.yaml: b.base: 'nobody' names no entry in this file",
      'p.yaml: c: has no base',
      "p.yaml: d: expected exactly one '<name>: <dir>' beside base, got d1, d2",
      'p.yaml: e: expected a directory or {<name>: <dir>, base: *<entry>}',
    ]);
  });

  it('says which entries a command needs when they are missing', () => {
    const p = parsePaths('out_path: ./out\ncomponent_model_path:\n  component: c\n  base: out_path\n', 'p.yaml');
    const problems = problemsOf(() => p.outputs('train', 'c', 't'));
    expect(problems[0]).toBe("p.yaml: missing entry 'remove_background_path' (needed by preprocess)");
    expect(problems).toHaveLength(5);
  });

  it('reports a file that cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-paths-'));
    expect(problemsOf(() => loadPaths(join(dir, 'missing.yaml')))[0]).toMatch(/missing\.yaml: cannot read \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.yaml'), 'a: [1, 2\n');
    expect(problemsOf(() => loadPaths(join(dir, 'bad.yaml')))[0]).toMatch(/bad\.yaml: /);
  });
});
