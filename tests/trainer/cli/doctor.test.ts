import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../../trainer/cli/commands/doctor.ts';

describe('pixal doctor', () => {
  it('prints one aligned line per check, the fix below what is not OK, and how training runs', () => {
    const report = formatReport(
      [
        { name: 'Node.js', status: 'OK', detail: 'v20' },
        { name: '@tensorflow/tfjs-node', status: 'BROKEN', detail: 'addon does not load', fix: 'run `npm run setup`' },
      ],
      'wasm',
    );
    expect(report.split('\n')).toEqual([
      'OK       Node.js                v20',
      'BROKEN   @tensorflow/tfjs-node  addon does not load',
      '                                → run `npm run setup`',
      '',
      'default training: the wasm fallback (dense models only: model_kind conv needs @tensorflow/tfjs-node)',
    ]);
  });

  it('runs on this machine and exits 0: native TensorFlow trains here', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['trainer/cli/bin.mjs', 'doctor'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      env: { ...process.env, MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' },
    });
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^OK {7}Node\.js {2,}v\d+/);
    expect(lines.some((l) => /^OK {7}@tensorflow\/tfjs-node {2,}4\.22\.0, TensorFlow 2\.21\.0/.test(l))).toBe(true);
    expect(lines.some((l) => /^BROKEN {3}MLFLOW_TRACKING_URI {2,}http:\/\/127\.0\.0\.1:9: unreachable/.test(l))).toBe(true);
    expect(lines.at(-2)).toBe('default training: native TensorFlow on the CPU (@tensorflow/tfjs-node)');
  });
});
