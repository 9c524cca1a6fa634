"""Reference channels computed with opencv-python and numpy, for tests/trainer/pipeline/features.

Reads raw 8-bit RGB (height, width, 3) from argv[1] and writes float32 (29, height, width) to argv[4]:
the 23 channels with the fixed ranges of trainer/pipeline/features/channels.ts, in CHANNEL_NAMES order,
then PIXAL's per-image scaling (robust_per_image) of Opp_O1, Opp_O2, LCh_C, Laplacian, GradMag, LocalStd.
usage: reference_features.py <rgb.raw> <height> <width> <out.raw>
"""
import sys

import cv2
import numpy as np

src, h, w, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rgb = np.fromfile(src, dtype=np.uint8).reshape(h, w, 3)
hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(np.float64)
ycc = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb).astype(np.float64)
lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float64)
R, G, B = [rgb[..., i].astype(np.float64) for i in range(3)]
A, Bb = lab[..., 1] - 128, lab[..., 2] - 128
C = np.sqrt(A * A + Bb * Bb)
hue = np.arctan2(Bb, A)
achromatic = C == 0
S = R + G + B
L = (lab[..., 0] / 255).astype(np.float32)
gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3).astype(np.float64)
gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3).astype(np.float64)
grad = np.sqrt(gx * gx + gy * gy)
lap = cv2.Laplacian(L, cv2.CV_32F, ksize=3).astype(np.float64)
mu = cv2.blur(L.astype(np.float64), (3, 3))
mu2 = cv2.blur(L.astype(np.float64) ** 2, (3, 3))
std = np.sqrt(np.maximum(mu2 - mu * mu, 0))
with np.errstate(invalid="ignore", divide="ignore"):
    r_chroma = np.where(S == 0, 0, R / S)
    g_chroma = np.where(S == 0, 0, G / S)
O1, O2, O3 = R - G, (R + G) / 2 - B, (R + G + B) / 3


def fixed(x, lo, hi):
    return np.clip((x - lo) / (hi - lo), 0, 1)


def robust(x):  # PIXAL's robust01
    lo, hi = np.percentile(x, 1.0), np.percentile(x, 99.0)
    return np.clip((np.clip(x, lo, hi) - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(x)


def by_max(x):
    m = x.max()
    return x / m if m > 0 else np.zeros_like(x)


channels = [
    R / 255, G / 255, B / 255,
    hsv[..., 0] / 179, hsv[..., 1] / 255, hsv[..., 2] / 255,
    ycc[..., 0] / 255, ycc[..., 1] / 255, ycc[..., 2] / 255,
    lab[..., 0] / 255, lab[..., 1] / 255, lab[..., 2] / 255,
    C / np.sqrt(17905),
    np.where(achromatic, 0.5, 0.5 + 0.5 * np.sin(hue)),
    np.where(achromatic, 0.5, 0.5 + 0.5 * np.cos(hue)),
    r_chroma, g_chroma,
    fixed(O1, -255, 255), fixed(O2, -255, 255), O3 / 255,
    fixed(grad, 0, np.sqrt(20)), fixed(lap, -8, 8), fixed(std, 0, np.sqrt(20) / 9),
    robust(O1), robust(O2), robust(C), robust(lap), by_max(grad), by_max(std),
]
np.stack(channels).astype(np.float32).tofile(out)
