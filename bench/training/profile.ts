// Where one training step's time goes: tf.profile of a step (forward, backward, fused Adam) of the dense or conv
// autoencoder, kernel time summed per TensorFlow kernel and per kernel+input shapes.
//
//   npx tsx bench/training/profile.ts [--kind dense|conv] [--height 122] [--width 196] [--channels 2] [--batch 32]
//
// Kernel times are wall times around each eager op, so on a loaded machine they inflate with the load; compare
// shares, not absolute numbers. The fused Adam's native ops do not show up as kernels (they bypass tfjs's
// kernel registry): the "step ms" line includes them.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { ModelTrainingOptions } from '../../trainer/config/model-training.ts';
import { initBackend } from '../../trainer/model/backend.ts';
import { buildAutoencoder } from '../../trainer/model/build.ts';
import { Objective } from '../../trainer/training/objective.ts';
import { FusedAdam } from '../../trainer/training/optimizer.ts';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'conv' },
    height: { type: 'string', default: '122' },
    width: { type: 'string', default: '196' },
    channels: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32' },
  },
});
const [height, width, channels, batchSize] = [args.height, args.width, args.channels, args.batch].map(Number) as [number, number, number, number];
await initBackend('cpu');
const options = ModelTrainingOptions.parse({ model_kind: args.kind });
const autoencoder = buildAutoencoder({ height, width, channels }, options);
const variables = autoencoder.model.trainableWeights.map((w) => w.read() as tf.Variable);
const optimizer = new FusedAdam(variables, { learningRate: options.learning_rate });
const objective = new Objective(autoencoder.training, options, Array(channels).fill(3));
const batch = { images: tf.randomUniform([batchSize, height * width, channels], 0, 1, 'float32', 1) as tf.Tensor3D, mask: tf.ones([batchSize, height * width]) as tf.Tensor2D };
const step = (): void => {
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => objective.loss(batch), variables);
    optimizer.applyGradients(grads);
    return value;
  });
  loss.dataSync();
  loss.dispose();
};
step();
step(); // warm-up

const profile = await tf.profile(step);
const byKernel = new Map<string, number>();
const byShape = new Map<string, number>();
for (const k of profile.kernels) {
  if (k.name.endsWith('__op')) continue; // tfjs's composite ops: their kernels are listed themselves
  const ms = Number(k.kernelTimeMs) || 0;
  byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  byShape.set(key, (byShape.get(key) ?? 0) + ms);
}
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`${args.kind} autoencoder, ${height}x${width}x${channels}, batch ${batchSize}: ${profile.kernels.length} kernels, ${total.toFixed(0)} ms kernel time`);
for (const [name, ms] of top(byKernel, 15)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
console.log('heaviest kernel calls:');
for (const [name, ms] of top(byShape, 12)) console.log(`  ${name.padEnd(72)} ${ms.toFixed(1).padStart(8)} ms`);
const start = performance.now();
for (let i = 0; i < 3; i++) step();
console.log(`step ms (mean of 3, unprofiled): ${((performance.now() - start) / 3).toFixed(0)}`);
