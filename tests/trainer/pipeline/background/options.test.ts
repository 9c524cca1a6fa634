import { describe, expect, it } from 'vitest';
import { RemoveBackgroundOptions } from '../../../../trainer/pipeline/background/options.ts';

describe('RemoveBackgroundOptions', () => {
  it('an empty section gives the defaults (PIXAL max_workers 8, classical, no grabcut, medium network)', () => {
    expect(RemoveBackgroundOptions.parse({})).toEqual({ max_workers: 8, method: 'classical', grabcut: false, ml_model: 'medium' });
  });

  it('accepts every documented value', () => {
    expect(RemoveBackgroundOptions.parse({ max_workers: 2, method: 'ml', grabcut: true, ml_model: 'small' })).toEqual({
      max_workers: 2,
      method: 'ml',
      grabcut: true,
      ml_model: 'small',
    });
  });

  it('rejects unknown keys, unknown methods and models, and worker counts below 1', () => {
    expect(RemoveBackgroundOptions.safeParse({ max_worker: 4 }).success).toBe(false);
    expect(RemoveBackgroundOptions.safeParse({ method: 'rembg' }).success).toBe(false);
    expect(RemoveBackgroundOptions.safeParse({ ml_model: 'large' }).success).toBe(false);
    expect(RemoveBackgroundOptions.safeParse({ max_workers: 0 }).success).toBe(false);
    expect(RemoveBackgroundOptions.safeParse({ max_workers: 1.5 }).success).toBe(false);
  });
});
