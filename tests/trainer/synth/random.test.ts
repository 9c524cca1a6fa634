import { describe, expect, it } from 'vitest';
import { Random } from '../../../trainer/synth/random.ts';

const draws = (random: Random, n = 8) => Array.from({ length: n }, () => random.uint32());

describe('Random', () => {
  it('gives the same stream for the same keys, and another for other keys', () => {
    expect(draws(new Random(7, 'front', 3))).toEqual(draws(new Random(7, 'front', 3)));
    expect(draws(new Random(7, 'front', 3))).not.toEqual(draws(new Random(7, 'front', 4)));
    expect(draws(new Random(7, 'front', 3))).not.toEqual(draws(new Random(8, 'front', 3)));
    // Keys are separated: ('ab', 'c') is not ('a', 'bc').
    expect(draws(new Random('ab', 'c'))).not.toEqual(draws(new Random('a', 'bc')));
  });

  it('draws uniformly in its ranges', () => {
    const random = new Random('ranges');
    const n = 20_000;
    const uniforms = Array.from({ length: n }, () => random.next());
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect(uniforms.reduce((a, v) => a + v, 0) / n).toBeCloseTo(0.5, 1);
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = random.int(-2, 2);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    for (const c of counts.values()) expect(c / n).toBeCloseTo(0.2, 1);
  });

  it('draws normal deviates with the asked mean and spread', () => {
    const random = new Random('normal');
    const values = Array.from({ length: 20_000 }, () => random.normal(3, 2));
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('forks independent child streams deterministically', () => {
    const a = new Random('parent');
    const b = new Random('parent');
    expect(draws(a.fork('pose'))).toEqual(draws(b.fork('pose')));
    expect(draws(new Random('parent').fork('pose'))).not.toEqual(draws(new Random('parent').fork('camera')));
  });
});
