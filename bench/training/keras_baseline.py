"""Keras 3 (TensorFlow 2.21 CPU) baseline for bench/training/run.ts: the same autoencoder, data, split, loss,
optimiser, batch size and epochs as our trainer, trained with model.fit (Keras's compiled tf.function step).

The models mirror trainer/model/dense.ts and conv.ts layer for layer: leaky ReLU 0.2 with activity
regularisation on every hidden activation, sigmoid output, glorot-uniform kernels; the loss is the
channel-weighted mean squared error; Adam with Keras's defaults (epsilon 1e-7), as our fused Adam.

Usage: keras_baseline.py --npz data.npz --split split.json --config config.json
  split.json: {"train": [indices], "validation": [indices]}
  config.json: the model_training section (model_kind, autoencoder_architecture, conv_filters, ...) and
               "channel_weights".
Prints one JSON line per epoch: {"epoch", "loss", "val_loss", "seconds", "cpu_seconds"}.
"""
import argparse, json, os, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402


def regularizer(cfg):
    l1 = cfg["l1_regularization"] if cfg["regularization"] in ("l1", "l1_l2") else 0.0
    l2 = cfg["l2_regularization"] if cfg["regularization"] in ("l2", "l1_l2") else 0.0
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def dense_model(cfg, h, w, c):
    dim = h * w * c
    inp = keras.Input((dim,))
    x = inp
    widths = cfg["autoencoder_architecture"]
    for units in widths[:-1] + [widths[-1]] + widths[:-1][::-1]:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(negative_slope=0.2, activity_regularizer=regularizer(cfg))(x)
    out = layers.Dense(dim, activation=cfg["output_activation"])(x)
    return keras.Model(inp, out)


def conv_model(cfg, h, w, c):
    inp = keras.Input((h, w, c))
    k = cfg["conv_kernel_size"]
    act = lambda t: layers.LeakyReLU(negative_slope=0.2, activity_regularizer=regularizer(cfg))(t)
    x = inp
    for f in cfg["conv_filters"]:
        x = act(layers.Conv2D(f, k, strides=2, padding="same")(x))
    x = act(layers.Conv2D(cfg["conv_latent_channels"], 1)(x))
    for f in cfg["conv_filters"][::-1]:
        x = act(layers.Conv2DTranspose(f, k, strides=2, padding="same")(x))
    out = layers.Conv2D(c, k, padding="same", activation=cfg["output_activation"])(x)
    if out.shape[1] != h or out.shape[2] != w:
        out = layers.Cropping2D(((0, out.shape[1] - h), (0, out.shape[2] - w)))(out)
    return keras.Model(inp, out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--npz", required=True)
    p.add_argument("--split", required=True)
    p.add_argument("--config", required=True)
    a = p.parse_args()
    cfg = json.load(open(a.config))
    split = json.load(open(a.split))
    z = np.load(a.npz)
    data = z["data"]
    h, w = (int(v) for v in z["shape"])
    n, pixels, c = data.shape
    shape = (h * w * c,) if cfg["model_kind"] == "dense" else (h, w, c)
    x = data.reshape((n,) + shape)
    xt, xv = x[split["train"]], x[split["validation"]]

    keras.utils.set_random_seed(cfg["seed"])
    model = (dense_model if cfg["model_kind"] == "dense" else conv_model)(cfg, h, w, c)
    weights = np.asarray(cfg["channel_weights"], dtype=np.float32)

    def weighted_mse(y, p):
        d = ops.reshape(p - y, (-1, pixels, c))
        return ops.mean(ops.square(d) * weights, axis=(1, 2))

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=cfg["learning_rate"]), loss=weighted_mse)

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t, self.cpu = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            print(json.dumps({"epoch": epoch + 1, "loss": logs["loss"], "val_loss": logs["val_loss"],
                              "seconds": time.perf_counter() - self.t, "cpu_seconds": time.process_time() - self.cpu,
                              "params": model.count_params()}), flush=True)

    model.fit(xt, xt, batch_size=cfg["batchsize"], epochs=cfg["n_epochs"], shuffle=True, verbose=0,
              validation_data=(xv, xv), validation_batch_size=cfg["batchsize"], callbacks=[Timer()])


if __name__ == "__main__":
    main()
