import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEFAULT_PARAMETERS_FILE, loadConfig, parseSet } from '../../../trainer/config/load.ts';
import { Config } from '../../../trainer/config/schema.ts';
import { ConfigError, closestKey, levenshtein } from '../../../trainer/config/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'pixal-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configs/parameters.yaml', () => {
  it('holds every key of the schema with its default value', () => {
    const written = YAML.parse(readFileSync(DEFAULT_PARAMETERS_FILE, 'utf8')) as unknown;
    const defaults = Config.parse({});
    // Same keys and values: the file documents the defaults, it does not change them.
    expect(Config.parse(written)).toEqual(defaults);
    const keysOf = (v: unknown, prefix = ''): string[] =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v).flatMap(([k, x]) => keysOf(x, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    expect(keysOf(written).sort()).toEqual(keysOf(defaults).sort());
  });

  it('documents every key on its own line', () => {
    const undocumented = readFileSync(DEFAULT_PARAMETERS_FILE, 'utf8')
      .split('\n')
      .filter((line) => /^\s*[A-Za-z_]+:\s*\S/.test(line) && !/\s#\s\S/.test(line));
    expect(undocumented).toEqual([]);
  });
});

describe('loadConfig', () => {
  it('merges -c files in order, then --set flags in order', () => {
    const a = file('a.yaml', 'preprocessing:\n  preprocessor:\n    pool_size: 3\n    zero_pruning_padding: 7\nplotting:\n  loss_cut: 0.5\n');
    const b = file('b.yaml', 'preprocessing:\n  preprocessor:\n    pool_size: 4\n');
    const config = loadConfig({ files: [a, b], sets: ['plotting.loss_cut=0.25', 'plotting.loss_cut=0.3', 'model_training.autoencoder_architecture=[64, 8]'] });
    expect(config.preprocessing.preprocessor.pool_size).toBe(4);
    expect(config.preprocessing.preprocessor.zero_pruning_padding).toBe(7);
    expect(config.plotting.loss_cut).toBe(0.3);
    expect(config.model_training.autoencoder_architecture).toEqual([64, 8]);
    // untouched keys keep the values of configs/parameters.yaml
    expect(config.model_training.seed).toBe(101);
  });

  it('stops on an unknown key with its path, its source and the closest valid key', () => {
    const extra = file('typo.yaml', 'preprocessing:\n  preprocessor:\n    pool_sise: 3\n');
    expect(problemsOf(() => loadConfig({ files: [extra] }))).toEqual([
      `preprocessing.preprocessor.pool_sise: unknown key; did you mean pool_size? (from ${extra})`,
    ]);
    expect(problemsOf(() => loadConfig({ sets: ['preprocessing.alignment.min_score_threshold=0.4'] }))).toEqual([
      'preprocessing.alignment.min_score_threshold: unknown key; did you mean MIN_SCORE_THRESHOLD? (from --set preprocessing.alignment.min_score_threshold=0.4)',
    ]);
  });

  it('lists the valid keys when nothing is close, and rejects GPU flags it cannot honour', () => {
    expect(problemsOf(() => loadConfig({ sets: ['training.n_epochs=3'] }))).toEqual([
      'training: unknown key; valid keys: preprocessing, model_training, plotting, detection, tiling (from --set training.n_epochs=3)',
    ]);
    const [problem] = problemsOf(() => loadConfig({ sets: ['model_training.use_mixed_precision=true'] }));
    expect(problem).toMatch(/^model_training\.use_mixed_precision: unknown key; valid keys: model_name, experiment_name, seed, /);
  });

  it('stops on a wrong type with the expected type and the value given', () => {
    expect(problemsOf(() => loadConfig({ sets: ['preprocessing.preprocessor.pool_size=two'] }))).toEqual([
      'preprocessing.preprocessor.pool_size: expected number, got "two" (from --set preprocessing.preprocessor.pool_size=two)',
    ]);
    const [problem] = problemsOf(() => loadConfig({ sets: ['preprocessing.rename_images=1'] }));
    expect(problem).toBe('preprocessing.rename_images: expected boolean, got 1 (from --set preprocessing.rename_images=1)');
  });

  it('names a bad channel and lists the valid ones', () => {
    const [problem] = problemsOf(() => loadConfig({ sets: ['preprocessing.preprocessor.channels=[LAB_a, LAB_x]'] }));
    expect(problem).toMatch(/^preprocessing\.preprocessor\.channels: unknown channel "LAB_x"; valid channels: .*; got \["LAB_a","LAB_x"\] \(from --set /);
    for (const channel of ['R', 'G', 'B', 'H', 'S', 'V', 'LAB_L', 'LCh_C', 'Opp_O1', 'GradMag', 'LocalStd']) expect(problem).toContain(channel);
  });

  it('names enum values of the training section', () => {
    expect(problemsOf(() => loadConfig({ sets: ['model_training.loss_function=mse2'] }))).toEqual([
      'model_training.loss_function: expected one of mse, mae, huber, charbonnier; got "mse2" (from --set model_training.loss_function=mse2)',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf(() => loadConfig({ sets: ['plotting.loss_cut=high', 'plotting.use_log=true'] }))).toHaveLength(2);
  });

  it('names a -c file that is missing, not YAML, or not a mapping', () => {
    expect(problemsOf(() => loadConfig({ files: [join(dir, 'none.yaml')] }))[0]).toMatch(/none\.yaml: cannot read \(ENOENT\)/);
    const broken = file('broken.yaml', 'plotting:\n  loss_cut: [0.1\n');
    expect(problemsOf(() => loadConfig({ files: [broken] }))[0]).toContain(`${broken}: `);
    const list = file('list.yaml', '- 1\n- 2\n');
    expect(problemsOf(() => loadConfig({ files: [list] }))).toEqual([`${list}: expected a mapping of sections at the top level`]);
    expect(loadConfig({ files: [file('empty.yaml', '')] })).toEqual(loadConfig());
  });
});

describe('parseSet', () => {
  it('reads the value as a YAML scalar or list', () => {
    expect(parseSet('a.b=4')).toEqual({ path: ['a', 'b'], value: 4 });
    expect(parseSet('a.b=1e-4').value).toBe(1e-4);
    expect(parseSet('a.b=false').value).toBe(false);
    expect(parseSet('a.b=ALL').value).toBe('ALL');
    expect(parseSet('a.b=[R, G, B]').value).toEqual(['R', 'G', 'B']);
    expect(parseSet('a.b="x=y"').value).toBe('x=y');
    expect(parseSet('a.b=').value).toBeNull();
  });

  it('names a malformed flag', () => {
    expect(problemsOf(() => parseSet('preprocessing.rename_images'))).toEqual(['--set preprocessing.rename_images: expected section.key=value']);
    expect(problemsOf(() => parseSet('preprocessing..pool_size=2'))[0]).toMatch(/^--set preprocessing\.\.pool_size=2: 'preprocessing\.\.pool_size' is not a dotted key path/);
    expect(problemsOf(() => parseSet('a.b=[1, 2'))[0]).toMatch(/^--set a\.b=\[1, 2: value '\[1, 2' is not valid YAML/);
  });
});

describe('suggestions', () => {
  it('measures edit distance ignoring case and suggests only near keys', () => {
    expect(levenshtein('pool_sise', 'pool_size')).toBe(1);
    expect(levenshtein('MIN_GOOD_MATCHES', 'min_good_matches')).toBe(0);
    expect(closestKey('pool_sise', ['file_name', 'pool_size', 'channels'])).toBe('pool_size');
    expect(closestKey('chanels', ['file_name', 'pool_size', 'channels'])).toBe('channels');
    expect(closestKey('learning', ['file_name', 'pool_size', 'channels'])).toBeUndefined();
  });
});
