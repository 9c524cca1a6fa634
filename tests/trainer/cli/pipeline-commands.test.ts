// The pipeline commands as a user runs them: bad flags and keys stop before any work, naming the culprit;
// each step runs on its own.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeComponent, runPixal } from '../pipeline/component-fixture.ts';

describe('pipeline commands refuse bad input before any work', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pixal-cli-'));
  let component: string;
  beforeAll(async () => {
    component = await makeComponent(cwd);
  });

  const refuses = async (args: string[], message: RegExp) => {
    const run = await runPixal(args, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(cwd, 'out')), 'no output folder was created').toBe(false);
  };

  it('names a mistyped key with the closest valid one', () =>
    refuses(['preprocess', '-i', component, '--set', 'preprocessing.preprocessor.pool_sise=3'], /preprocessing\.preprocessor\.pool_sise: unknown key; did you mean pool_size\? \(from --set preprocessing\.preprocessor\.pool_sise=3\)/));

  it('names a wrong type in a -c file, and the file', async () => {
    const extra = join(cwd, 'extra.yaml');
    writeFileSync(extra, 'preprocessing:\n  alignment:\n    detector: SURF\n');
    await refuses(['preprocess', '-i', component, '-c', extra], new RegExp(`preprocessing\\.alignment\\.detector: expected one of SIFT, ORB, AKAZE; got "SURF" \\(from ${extra}\\)`));
  });

  it('names a malformed --set', () => refuses(['remove_bg', '-i', component, '-o', 'x', '--set', 'plotting.loss_cut'], /--set plotting\.loss_cut: expected section\.key=value/));

  it('names an unknown flag, and a bad worker count', async () => {
    await refuses(['preprocess', '-i', component, '--wrokers', '2'], /unknown option '--wrokers'/);
    await refuses(['preprocess', '-i', component, '-j', '0'], /-j, --workers <n>' argument '0' is invalid\. expected a positive integer/);
  });

  it('names a missing input folder or reference, and a paths file with a cycle', async () => {
    await refuses(['preprocess', '-i', join(cwd, 'nowhere')], /-i .*nowhere: no such directory/);
    await refuses(['align', '-i', join(component, 'back'), '-o', 'x', '--reference', 'nope.png'], /--reference nope\.png: no such file/);
    const paths = join(cwd, 'paths.yaml');
    writeFileSync(paths, 'out_path: ./out\na:\n  a: x\n  base: b\nb:\n  b: y\n  base: a\n');
    await refuses(['preprocess', '-i', component, '--paths', paths], /cycle in base chain: a -> b -> a/);
  });
});

describe('each step on its own', () => {
  it('remove_bg, then align, then make_input', { timeout: 180_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pixal-cli-'));
    const component = await makeComponent(cwd);

    const removed = await runPixal(['remove_bg', '-i', join(component, 'front'), '-o', 'nobg', '--quiet'], cwd);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^remove_bg: 3 of 4 images, 1 skipped -> .*nobg\n {2}skipped .*broken\.jpg: cannot read image/);
    expect(readdirSync(join(cwd, 'nobg')).sort()).toEqual(['img_0_no_bg.png', 'img_1_no_bg.png', 'img_2_no_bg.png']);

    const aligned = await runPixal(['align', '-i', 'nobg', '-o', 'aligned', '--reference', 'nobg/img_1_no_bg.png', '--quiet'], cwd);
    expect(aligned.code, aligned.stdout).toBe(0);
    expect(aligned.stdout).toMatch(/^align: 3 of 3 images -> .*aligned\nresults: .*aligned\/alignment\/results\.csv$/m);
    expect(readdirSync(join(cwd, 'aligned')).sort()).toEqual(['alignment', 'img_0_no_bg.png', 'img_1_no_bg.png', 'img_2_no_bg.png']);

    const made = await runPixal(['make_input', '-i', component, '-o', 'datasets', '--set', 'preprocessing.preprocessor.pool_size=4', '--quiet'], cwd);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('make_input flex_f1: 2 of 2 types produced a dataset');
    expect(made.stdout).toMatch(/skipped broken\.jpg at make_input: cannot read image/);
    expect(existsSync(join(cwd, 'datasets/front/out.npz'))).toBe(true);
    expect(existsSync(join(cwd, 'datasets/back/metadata/preprocessing.yaml'))).toBe(true);
  });
});
