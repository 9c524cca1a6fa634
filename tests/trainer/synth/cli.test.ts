// `pixal synth` as a user runs it: a small set, and bad flags refused before any work, naming the flag.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPixal } from '../pipeline/component-fixture.ts';
import { listFiles } from './dataset-fixture.ts';

const SMALL = ['--size', '480x270', '--train', '1', '--test-good', '1', '--test-defective', '1', '--quiet'];

describe('pixal synth', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pixal-synth-cli-'));

  it('writes the dataset and says where', { timeout: 120_000 }, async () => {
    const run = await runPixal(['synth', '-o', 'data', ...SMALL, '--types', 'back', '--defects', 'scratch,missing_pad', '--component', 'flex_f1', '--seed', '9'], cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^synth: 4 images, 2 masks -> .*data\nmanifest: .*data\/manifest\.json\n$/);
    expect(listFiles(join(cwd, 'data'))).toEqual([
      'manifest.json',
      'test/flex_f1/back/good/000.png',
      'test/flex_f1/back/ground_truth/missing_pad/000_mask.png',
      'test/flex_f1/back/ground_truth/scratch/000_mask.png',
      'test/flex_f1/back/missing_pad/000.png',
      'test/flex_f1/back/scratch/000.png',
      'train/flex_f1/back/000.png',
    ]);
    // Never over an earlier dataset: stale files would mix in.
    const again = await runPixal(['synth', '-o', 'data', ...SMALL, '--types', 'back', '--component', 'flex_f1'], cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/train\/flex_f1 already exists and is not empty/);
  });

  const refuses = async (args: string[], message: RegExp) => {
    const run = await runPixal(['synth', '-o', 'refused', ...args], cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(cwd, 'refused')), 'nothing was written').toBe(false);
  };

  it('refuses bad flags, naming them', { timeout: 120_000 }, async () => {
    await refuses(['--size', '480'], /--size <WxH>' argument '480' is invalid\. expected WIDTHxHEIGHT/);
    await refuses(['--train', '-3'], /--train <n>' argument '-3' is invalid\. expected a whole number/);
    await refuses(['--defects', 'dust', ...SMALL], /invalid flag: --defects: Invalid enum value\. Expected 'scratch' \| .*received 'dust'/);
    await refuses(['--defect-scale', 'big', ...SMALL], /--defect-scale <factor>' argument 'big' is invalid\. expected a number/);
    await refuses(['--defect-scale', '0', ...SMALL], /invalid flag: --defect-scale: Number must be greater than 0/);
    await refuses(['--types', 'side', ...SMALL], /invalid flag: type 'side': drawn parts are front or back; give a photo for other types/);
    await refuses(['--base-image', 'nowhere.jpg', ...SMALL], /--base-image nowhere\.jpg: no such file/);
  });
});
