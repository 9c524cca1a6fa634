// The dense autoencoder's first layer: a Dense layer whose product is a plain matMul plus bias. tfjs computes
// Dense with its fused matMul, whose gradient always includes the gradient with respect to the layer's input;
// for the first layer that input is the image, so backprop paid one product the size of the layer (a third of
// PIXAL's step, measured with bench/training/profile.ts) for a gradient nobody uses. tfjs's plain matMul
// computes only the gradients that are needed. Registered for serialisation: model files name it
// "PixalInputDense", and loading them needs this module imported (trainer/model/io.ts does).
import * as tf from '@tensorflow/tfjs';

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

export interface InputDenseArgs {
  units: number;
  name?: string;
  kernelInitializer?: Initializer;
}

export class InputDense extends tf.layers.Layer {
  static readonly className = 'PixalInputDense';
  private readonly units: number;
  private readonly kernelInitializer: Initializer;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: InputDenseArgs) {
    super({ name: args.name });
    this.units = args.units;
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.glorotUniform({});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.kernel = this.addWeight('kernel', [shape.at(-1)!, this.units], 'float32', this.kernelInitializer);
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.add(tf.matMul(x, this.kernel!.read()), this.bias!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(InputDense);
