// Saving and loading a trained autoencoder: TensorFlow.js's own format (model.json + weights.bin, written by
// tfjs-node's file:// handler) plus pixal-model.json, which says what the model expects as input.
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
// Registers the custom layer class that dense model files name.
import './input-dense.ts';

export const MODEL_INFO_FILE = 'pixal-model.json';

export const ModelInfo = z
  .object({
    model_kind: z.enum(['dense', 'conv']),
    /** Pooled image size (H', W'). */
    shape: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    /** Channels in dataset order. */
    channels: z.array(z.string()).nonempty(),
    /** One-hot mode: the types, in label-column order. */
    one_hot_types: z.array(z.string()).nonempty().optional(),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfo>;

/** Writes the model into `dir` (created): model.json, weights.bin and pixal-model.json. */
export async function saveModel(model: tf.LayersModel, dir: string, info: ModelInfo): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(`file://${resolve(dir)}`);
  await writeFile(join(dir, MODEL_INFO_FILE), `${JSON.stringify(ModelInfo.parse(info), null, 2)}\n`);
}

/** Loads a model saved by saveModel, checking that its inputs agree with its pixal-model.json. */
export async function loadModel(dir: string): Promise<{ model: tf.LayersModel; info: ModelInfo }> {
  const infoFile = join(dir, MODEL_INFO_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(infoFile, 'utf8'));
  } catch (err) {
    throw new Error(`${infoFile}: cannot read the model description (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = ModelInfo.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${infoFile}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const info = parsed.data;
  const model = await tf.loadLayersModel(`file://${resolve(dir, 'model.json')}`);
  const [h, w] = info.shape;
  const c = info.channels.length;
  const expected = info.model_kind === 'conv' ? [h, w, c] : [h * w * c];
  const actual = model.inputs[0]!.shape.slice(1);
  if (actual.join('x') !== expected.join('x')) {
    throw new Error(`${dir}: model input ${actual.join('x')} does not match ${MODEL_INFO_FILE} (${info.model_kind}, ${h}x${w}, ${c} channels: ${expected.join('x')})`);
  }
  if ((model.inputs.length === 2) !== Boolean(info.one_hot_types)) {
    throw new Error(`${dir}: the model ${model.inputs.length === 2 ? 'has' : 'has no'} a type-label input but ${MODEL_INFO_FILE} ${info.one_hot_types ? 'lists' : 'lists no'} one_hot_types`);
  }
  return { model, info };
}
