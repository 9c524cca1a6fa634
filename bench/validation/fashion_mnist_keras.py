"""Keras side of bench/validation/fashion-mnist.ts: trains the conv autoencoder of bench/training/keras_baseline.py
(layer for layer trainer/model/conv.ts) on one Fashion-MNIST class with model.fit, then reconstructs the test set.
The scores and the AUROC are computed by the TypeScript side from the reconstructions, with the same code as ours.

Usage: fashion_mnist_keras.py --train train.npz --test test.npz --split split.json --config config.json --out recon.npz
  train.npz / test.npz: "data" (N, H*W, C) float32 in [0, 1] and "shape" (H, W), as the pipeline writes them.
  split.json: {"train": [indices], "validation": [indices]} into train.npz.
  config.json: the model_training section (conv_filters, conv_latent_channels, learning_rate, batchsize, ...).
Writes the test reconstructions (N, H*W, C) float32 as "recon" in the .npz --out and prints one JSON line:
{"train_seconds", "train_cpu_seconds", "loss", "val_loss", "params"}.
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras_baseline import conv_model  # noqa: E402


def images(npz):
    z = np.load(npz)
    h, w = (int(v) for v in z["shape"])
    data = z["data"]
    return data.reshape((data.shape[0], h, w, data.shape[2]))


def main():
    p = argparse.ArgumentParser()
    for name in ("--train", "--test", "--split", "--config", "--out"):
        p.add_argument(name, required=True)
    a = p.parse_args()
    cfg = json.load(open(a.config))
    split = json.load(open(a.split))
    x = images(a.train)
    xt, xv = x[split["train"]], x[split["validation"]]

    keras.utils.set_random_seed(cfg["seed"])
    model = conv_model(cfg, *x.shape[1:])
    # One channel of weight 1: the channel-weighted MSE of our trainer is the plain mean squared error.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=cfg["learning_rate"]), loss="mse")
    start, cpu = time.perf_counter(), time.process_time()
    history = model.fit(xt, xt, batch_size=cfg["batchsize"], epochs=cfg["n_epochs"], shuffle=True, verbose=0,
                        validation_data=(xv, xv), validation_batch_size=cfg["batchsize"])
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu

    test = images(a.test)
    recon = model.predict(test, batch_size=256, verbose=0)
    np.savez(a.out, recon=recon.reshape((test.shape[0], -1, test.shape[3])).astype(np.float32))
    print(json.dumps({"train_seconds": seconds, "train_cpu_seconds": cpu_seconds, "loss": history.history["loss"][-1],
                      "val_loss": history.history["val_loss"][-1], "params": model.count_params()}), flush=True)


if __name__ == "__main__":
    main()
