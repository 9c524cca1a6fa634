// Deterministic train/validation split: within each image type (so every type is validated in one-hot mode),
// a seeded shuffle, then ceil(fraction·n) images held out, as scikit-learn's train_test_split counts them.
import { Random } from '../synth/random.ts';
import { DatasetError } from './dataset.ts';

export interface Split {
  train: number[];
  validation: number[];
}

/** `types` lists each image's type; the result holds image indices, each list in ascending order. */
export function splitByType(types: readonly string[], fraction: number, seed: number): Split {
  const groups = new Map<string, number[]>();
  types.forEach((type, i) => groups.set(type, [...(groups.get(type) ?? []), i]));
  const split: Split = { train: [], validation: [] };
  for (const [type, indices] of groups) {
    const held = Math.ceil(fraction * indices.length);
    if (held < 1 || indices.length - held < 1) {
      throw new DatasetError(
        `type "${type}" has ${indices.length} image(s): validation_split ${fraction} leaves ${indices.length - held} for training and ${held} for validation; at least one of each is needed`,
      );
    }
    const order = shuffled(indices, new Random('split', seed, type));
    split.validation.push(...order.slice(0, held));
    split.train.push(...order.slice(held));
  }
  split.train.sort((a, b) => a - b);
  split.validation.sort((a, b) => a - b);
  return split;
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
