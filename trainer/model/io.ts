// Saving and loading a trained autoencoder: TensorFlow.js's own format (model.json + weights.bin, as tfjs-node's
// file:// handler writes it) plus pixal-model.json, which says what the model expects as input. The files are written
// and read here rather than through that handler, which only the native backend registers: a model trained on the
// wasm fallback saves and loads the same way.
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

const WEIGHTS_FILE = 'weights.bin';

function fileSaver(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
    await writeFile(join(dir, WEIGHTS_FILE), weights);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology!,
      format: artifacts.format!,
      generatedBy: artifacts.generatedBy!,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    };
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
  });
}

async function fileLoader(dir: string): Promise<tf.io.IOHandler> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const parts = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(join(dir, path))));
  const weightData = tf.io.CompositeArrayBuffer.join(parts.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  return tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy });
}

/** Writes the model into `dir` (created): model.json, weights.bin and pixal-model.json. */
export async function saveModel(model: tf.LayersModel, dir: string, info: ModelInfo): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(fileSaver(dir));
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
  const model = await tf.loadLayersModel(await fileLoader(dir));
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
