// Adam and AdamW on TensorFlow's fused kernel (ResourceApplyAdam), called through the native backend.
// Why not tf.train.adam: tfjs updates each weight with about a dozen separate element-wise ops, each allocating a
// tensor the size of the weight; on PIXAL's dense autoencoder (tens of millions of weights in the first and last
// layer) that took three times as long as the forward and backward pass together. The fused kernel reads the
// gradient and the two moments once and updates them in place, as Keras's graph does.
// The tfjs variables stay the model's truth: before each update a variable's value is handed to a TensorFlow
// resource variable (the kernel needs one), and the result is handed back, so nothing else has to know.
// Off the native backend (wasm) PortableAdam does the same arithmetic with tfjs ops; createAdam picks one.
import * as tf from '@tensorflow/tfjs';
import { isNativeBackend, nativeBackend } from '../model/native-ops.ts';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /** Added to sqrt(v) as in Keras and TensorFlow (not to the bias-corrected sqrt(v̂) as tf.train.adam does). */
  epsilon?: number;
  /** AdamW: decoupled weight decay, w ← w·(1 − learningRate·weightDecay) before each Adam step (Keras's AdamW). */
  weightDecay?: number;
}

/** What the training loop needs of an optimizer. */
export interface Optimizer {
  readonly learningRate: number;
  /** The learning rate of the steps from now on (a schedule lowers it between epochs); Adam's moments are kept. */
  setLearningRate(value: number): void;
  /** One step with `gradients` keyed by variable name (as tf.variableGrads returns them). */
  applyGradients(gradients: tf.NamedTensorMap): void;
  /** Frees the optimizer's state (the variables stay). */
  dispose(): void;
}

/** Adam(W) for the active backend: TensorFlow's fused kernel on native TensorFlow, tfjs ops elsewhere. */
export function createAdam(variables: readonly tf.Variable[], options: AdamOptions): Optimizer {
  return isNativeBackend() ? new FusedAdam(variables, options) : new PortableAdam(variables, options);
}

interface Slot {
  variable: tf.Variable;
  /** Resource handles: the weight, first moment, second moment. */
  handles: [tf.Tensor, tf.Tensor, tf.Tensor];
}

let resourceCount = 0;

export class FusedAdam implements Optimizer {
  learningRate: number;
  private readonly weightDecay: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly constants: tf.Scalar[];
  private readonly slots = new Map<string, Slot>();
  private iterations = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.weightDecay = options.weightDecay ?? 0;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.constants = [options.learningRate, this.beta1, this.beta2, options.epsilon ?? 1e-7].map((v) => tf.keep(tf.scalar(v)));
    for (const variable of variables) {
      const zeros = tf.zerosLike(variable);
      const handles = [variable, zeros, zeros].map((initial) => createResource(initial)) as Slot['handles'];
      zeros.dispose();
      this.slots.set(variable.name, { variable, handles });
    }
  }

  setLearningRate(value: number): void {
    this.learningRate = value;
    this.constants[0]!.dispose();
    this.constants[0] = tf.keep(tf.scalar(value));
  }

  applyGradients(gradients: tf.NamedTensorMap): void {
    const backend = nativeBackend();
    this.iterations++;
    const [lr, beta1, beta2, epsilon] = this.constants as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
    tf.tidy(() => {
      const beta1Power = tf.scalar(this.beta1 ** this.iterations);
      const beta2Power = tf.scalar(this.beta2 ** this.iterations);
      for (const [name, gradient] of Object.entries(gradients)) {
        const slot = this.slots.get(name);
        if (!slot) throw new Error(`optimizer: gradient for unknown variable "${name}"`);
        const [weight, m, v] = slot.handles;
        const start = this.weightDecay > 0 ? tf.mul(slot.variable, 1 - this.learningRate * this.weightDecay) : slot.variable;
        backend.executeMultipleOutputs('AssignVariableOp', [dtypeAttr('dtype')], [weight, start], 0);
        backend.executeMultipleOutputs(
          'ResourceApplyAdam',
          [dtypeAttr('T'), boolAttr('use_locking', false), boolAttr('use_nesterov', false)],
          [weight, m, v, beta1Power, beta2Power, lr, beta1, beta2, epsilon, gradient],
          0,
        );
        slot.variable.assign(backend.executeSingleOutput('ReadVariableOp', [dtypeAttr('dtype')], [weight]));
      }
    });
  }

  dispose(): void {
    const backend = nativeBackend();
    for (const { handles } of this.slots.values()) {
      for (const handle of handles) {
        backend.executeMultipleOutputs('DestroyResourceOp', [boolAttr('ignore_lookup_error', true)], [handle], 0);
        handle.dispose();
      }
    }
    this.slots.clear();
    tf.dispose(this.constants);
  }
}

/**
 * ResourceApplyAdam's arithmetic in tfjs ops, for any backend:
 *   lr_t = lr·sqrt(1 − β2^t)/(1 − β1^t);  m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= lr_t·m/(sqrt(v) + ε)
 * with AdamW's decay w ← w·(1 − lr·wd) first. A dozen element-wise ops per weight, which wasm does fast enough.
 */
export class PortableAdam implements Optimizer {
  learningRate: number;
  private readonly weightDecay: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly slots = new Map<string, { variable: tf.Variable; m: tf.Variable; v: tf.Variable }>();
  private iterations = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.weightDecay = options.weightDecay ?? 0;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    for (const variable of variables) {
      const [m, v] = [0, 1].map(() => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
      this.slots.set(variable.name, { variable, m: m!, v: v! });
    }
  }

  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  applyGradients(gradients: tf.NamedTensorMap): void {
    this.iterations++;
    const t = this.iterations;
    const stepSize = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    tf.tidy(() => {
      for (const [name, gradient] of Object.entries(gradients)) {
        const slot = this.slots.get(name);
        if (!slot) throw new Error(`optimizer: gradient for unknown variable "${name}"`);
        const { variable, m, v } = slot;
        const start = this.weightDecay > 0 ? tf.mul(variable, 1 - this.learningRate * this.weightDecay) : variable;
        m.assign(tf.add(m, tf.mul(tf.sub(gradient, m), 1 - this.beta1)));
        v.assign(tf.add(v, tf.mul(tf.sub(tf.square(gradient), v), 1 - this.beta2)));
        variable.assign(tf.sub(start, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), this.epsilon))));
      }
    });
  }

  dispose(): void {
    for (const { m, v } of this.slots.values()) tf.dispose([m, v]);
    this.slots.clear();
  }
}

function createResource(initial: tf.Tensor): tf.Tensor {
  const backend = nativeBackend();
  const { TF_ATTR_STRING, TF_ATTR_SHAPE } = backend.binding;
  const handle = backend.executeSingleOutput(
    'VarHandleOp',
    [
      { name: 'container', type: TF_ATTR_STRING, value: '' },
      { name: 'shared_name', type: TF_ATTR_STRING, value: `pixal_adam_${process.pid}_${resourceCount++}` },
      dtypeAttr('dtype'),
      { name: 'shape', type: TF_ATTR_SHAPE, value: initial.shape },
    ],
    [],
  );
  tf.keep(handle);
  backend.executeMultipleOutputs('AssignVariableOp', [dtypeAttr('dtype')], [handle, initial], 0);
  return handle;
}

function dtypeAttr(name: string) {
  const { TF_ATTR_TYPE, TF_FLOAT } = nativeBackend().binding;
  return { name, type: TF_ATTR_TYPE, value: TF_FLOAT };
}

function boolAttr(name: string, value: boolean) {
  return { name, type: nativeBackend().binding.TF_ATTR_BOOL, value };
}
