// Which model of the demo sweep becomes production: per type the best validation image AUROC, ties broken by
// pixel AUROC, then by grid order; a metric that could not be computed ranks last.
import { describe, expect, it } from 'vitest';
import { bestPerType, registeredModelName, type Candidate } from '../../../trainer/demo/promotion.ts';

const candidate = (type: string, runId: string, imageAuroc?: number, pixelAuroc?: number): Candidate => ({
  type,
  runId,
  runName: `autoencoder-${runId}-${type}`,
  point: `point ${runId}`,
  validationRunId: `v-${runId}`,
  ...(imageAuroc !== undefined ? { imageAuroc } : {}),
  ...(pixelAuroc !== undefined ? { pixelAuroc } : {}),
});

describe('bestPerType', () => {
  it('takes the highest image AUROC of each type, types in order of first appearance', () => {
    const best = bestPerType([candidate('front', 'a', 0.7, 0.9), candidate('back', 'b', 0.8, 0.5), candidate('front', 'c', 0.9, 0.1), candidate('back', 'd', 0.6, 0.99)]);
    expect(best.map((c) => [c.type, c.runId])).toEqual([
      ['front', 'c'],
      ['back', 'b'],
    ]);
  });

  it('breaks an image AUROC tie by pixel AUROC, and a full tie by grid order', () => {
    expect(bestPerType([candidate('front', 'a', 0.8, 0.7), candidate('front', 'b', 0.8, 0.9), candidate('front', 'c', 0.8, 0.9)])[0]!.runId).toBe('b');
  });

  it('ranks a missing or NaN metric below any number', () => {
    expect(bestPerType([candidate('front', 'a'), candidate('front', 'b', 0.1)])[0]!.runId).toBe('b');
    expect(bestPerType([candidate('front', 'a', Number.NaN, 1), candidate('front', 'b', 0.1, 0)])[0]!.runId).toBe('b');
    expect(bestPerType([candidate('front', 'a', 0.5), candidate('front', 'b', 0.5, 0.2)])[0]!.runId).toBe('b');
  });

  it('has nothing to promote without candidates', () => {
    expect(bestPerType([])).toEqual([]);
  });
});

describe('registeredModelName', () => {
  it('names a model by component and type', () => {
    expect(registeredModelName('flex', 'front')).toBe('flex-front');
  });
});
