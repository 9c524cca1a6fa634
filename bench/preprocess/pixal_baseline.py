"""The PIXAL way (v0.5.x), for timing: alignment and make_input as PIXAL's Python does them.

Faithful to pixal/preprocessing/align_images.py and imagePreprocessor.py: per image, SIFT on the reference
(recomputed for every image, as PIXAL does), SIFT on the image, BFMatcher kNN (k=2) + Lowe ratio, RANSAC
homography, warpPerspective, cv2.imwrite of the aligned PNG, SSIM/MSE re-read from disk; then make_input
reads the aligned PNG back, crops it, computes all 23 feature maps (PIXAL computes every map whatever
`channels` selects), pools the selected ones and concatenates. skimage is not installed here, so SSIM is
skimage's structural_similarity(win_size=3) formula written with cv2.blur (same uniform window, ddof=1).

Usage: pixal_baseline.py --images <dir with ref.png and img_*.png> --work <tmp dir> [--rounds N]
       [--channels LAB_a,LAB_b | ALL] [--pool 2] [--crop-box y_min,y_max,x_min,x_max] [--no-align]
Prints one JSON line: wall and CPU seconds (all threads) per image for each stage.
"""
import argparse, json, time
from pathlib import Path

import cv2
import numpy as np


def alignment_score(path_a, path_b):
    a = cv2.imread(str(path_a), cv2.IMREAD_GRAYSCALE)
    b = cv2.imread(str(path_b), cv2.IMREAD_GRAYSCALE)
    mse = np.mean((a - b) ** 2)  # PIXAL's uint8 arithmetic, wrap-around included
    return ssim(a, b), mse


def ssim(a, b, win=3):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    np_ = win * win
    cov_norm = np_ / (np_ - 1)
    f = lambda x: cv2.blur(x, (win, win), borderType=cv2.BORDER_REFLECT)
    ux, uy = f(a), f(b)
    vx = cov_norm * (f(a * a) - ux * ux)
    vy = cov_norm * (f(b * b) - uy * uy)
    vxy = cov_norm * (f(a * b) - ux * uy)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    pad = (win - 1) // 2
    return s[pad:-pad, pad:-pad].mean()


def align(sift, bf, ref_path, img, out_path, knn_ratio=0.8, npts=5, ransac=7.0):
    ref = cv2.imread(str(ref_path))
    prev_kp, prev_des = sift.detectAndCompute(cv2.cvtColor(ref, cv2.COLOR_BGR2GRAY), None)
    curr_kp, curr_des = sift.detectAndCompute(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), None)
    matches = bf.knnMatch(curr_des, prev_des, k=2)
    good = [m for m, n in matches if m.distance < knn_ratio * n.distance]
    if len(good) <= npts:
        raise RuntimeError("too few matches")
    src = np.float32([curr_kp[m.queryIdx].pt for m in good]).reshape(-1, 1, 2)
    dst = np.float32([prev_kp[m.trainIdx].pt for m in good]).reshape(-1, 1, 2)
    h, _ = cv2.findHomography(src, dst, cv2.RANSAC, ransac)
    warped = cv2.warpPerspective(img, h, (ref.shape[1], ref.shape[0]))
    cv2.imwrite(str(out_path), warped)
    return alignment_score(ref_path, out_path)


def compute_feature_maps(bgr_image):
    # imagePreprocessor.compute_feature_maps, unchanged in substance (its LAB_L /100 scaling included).
    rgb = cv2.cvtColor(bgr_image, cv2.COLOR_BGR2RGB).astype(np.float32)
    hsv = cv2.cvtColor(bgr_image, cv2.COLOR_BGR2HSV).astype(np.float32)
    lab = cv2.cvtColor(bgr_image, cv2.COLOR_BGR2LAB).astype(np.float32)
    ycrcb = cv2.cvtColor(bgr_image, cv2.COLOR_BGR2YCrCb).astype(np.float32)
    R, G, B = [rgb[..., i] for i in range(3)]
    H, S, V = [hsv[..., i] for i in range(3)]
    L_lab, a_lab, b_lab = [lab[..., i] for i in range(3)]
    Y, Cr, Cb = [ycrcb[..., 0], ycrcb[..., 1], ycrcb[..., 2]]

    def norm01(x, lo, hi):
        x = (x - lo) / (hi - lo + 1e-7)
        return np.clip(x, 0.0, 1.0).astype(np.float32)

    Rn, Gn, Bn = norm01(R, 0, 255), norm01(G, 0, 255), norm01(B, 0, 255)
    Hn, Sn, Vn = norm01(H, 0, 179), norm01(S, 0, 255), norm01(V, 0, 255)
    Yn, Crn, Cbn = norm01(Y, 0, 255), norm01(Cr, 0, 255), norm01(Cb, 0, 255)
    Ln = norm01(L_lab, 0, 100)
    an = norm01(a_lab, 0, 255)
    bn = norm01(b_lab, 0, 255)
    intensity = R + G + B + 1e-7
    r_chroma = (R / intensity).astype(np.float32)
    g_chroma = (G / intensity).astype(np.float32)
    O1 = R - G
    O2 = (R + G) * 0.5 - B
    O3 = (R + G + B) / 3.0

    def robust01(x):
        lo = np.percentile(x, 1.0)
        hi = np.percentile(x, 99.0)
        return norm01(np.clip(x, lo, hi), lo, hi)

    O1n, O2n, O3n = robust01(O1), robust01(O2), norm01(O3, 0, 255)
    a_signed = (a_lab - 128.0).astype(np.float32)
    b_signed = (b_lab - 128.0).astype(np.float32)
    C = np.sqrt(a_signed ** 2 + b_signed ** 2)
    h_rad = np.arctan2(b_signed, a_signed)
    Cn = robust01(C)
    sin_h01 = (np.sin(h_rad).astype(np.float32) * 0.5 + 0.5).astype(np.float32)
    cos_h01 = (np.cos(h_rad).astype(np.float32) * 0.5 + 0.5).astype(np.float32)
    L_for_edges = Ln
    Gx = cv2.Sobel(L_for_edges, cv2.CV_32F, 1, 0, ksize=3)
    Gy = cv2.Sobel(L_for_edges, cv2.CV_32F, 0, 1, ksize=3)
    grad_mag = np.sqrt(Gx * Gx + Gy * Gy)
    grad_mag = grad_mag / (grad_mag.max() + 1e-7)
    lap = cv2.Laplacian(L_for_edges, cv2.CV_32F, ksize=3)
    lapn = robust01(lap)
    mu = cv2.blur(L_for_edges, (3, 3))
    mu2 = cv2.blur(L_for_edges * L_for_edges, (3, 3))
    local_std = np.sqrt(np.maximum(mu2 - mu * mu, 0.0))
    local_std = local_std / (local_std.max() + 1e-7)
    return {
        "R": Rn, "G": Gn, "B": Bn, "H": Hn, "S": Sn, "V": Vn, "Y": Yn, "Cr": Crn, "Cb": Cbn,
        "LAB_L": Ln, "LAB_a": an, "LAB_b": bn, "LCh_C": Cn, "LCh_sinH": sin_h01, "LCh_cosH": cos_h01,
        "r_chroma": r_chroma, "g_chroma": g_chroma, "Opp_O1": O1n, "Opp_O2": O2n, "Opp_O3": O3n,
        "GradMag": grad_mag, "Laplacian": lapn, "LocalStd": local_std,
    }


def apply_average_pooling(channel, pool):
    h, w = channel.shape
    nh, nw = h - h % pool, w - w % pool
    return channel[:nh, :nw].reshape(nh // pool, pool, nw // pool, pool).mean(axis=(1, 3))


def make_input(image, crop_box, channels, pool):
    image = image[crop_box["y_min"]:crop_box["y_max"], crop_box["x_min"]:crop_box["x_max"]]
    maps = compute_feature_maps(image)
    keys = list(maps.keys()) if channels == ["ALL"] else channels
    return np.concatenate([apply_average_pooling(maps[k], pool).reshape(-1, 1) for k in keys], axis=1).astype(np.float32)


def global_crop_box(images, padding, bg_threshold):
    # compute_global_crop_box, without its off-by-one (bounds here as it stores them).
    y0 = x0 = float("inf")
    y1 = x1 = 0
    for image in images:
        coords = np.argwhere(np.any(image > bg_threshold, axis=-1))
        if coords.size == 0:
            continue
        (a, b), (c, d) = coords.min(axis=0), coords.max(axis=0)
        y0, x0, y1, x1 = min(y0, a), min(x0, b), max(y1, c), max(x1, d)
    return {"y_min": int(max(y0 - padding, 0)), "y_max": int(y1 + padding), "x_min": int(max(x0 - padding, 0)), "x_max": int(x1 + padding)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--channels", default="LAB_a,LAB_b")
    ap.add_argument("--pool", type=int, default=2)
    ap.add_argument("--crop-box", help="y_min,y_max,x_min,x_max (half-open); default: PIXAL's global box")
    ap.add_argument("--no-align", action="store_true")
    args = ap.parse_args()
    channels = args.channels.split(",")
    src = Path(args.images)
    ref_path = src / "ref.png"
    paths = sorted(p for p in src.glob("img_*.png"))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sift = cv2.SIFT_create()
    bf = cv2.BFMatcher(cv2.NORM_L2, crossCheck=False)

    decoded = [cv2.imread(str(p)) for p in paths]
    if args.crop_box:
        y0, y1, x0, x1 = (int(v) for v in args.crop_box.split(","))
        crop_box = {"y_min": y0, "y_max": y1, "x_min": x0, "x_max": x1}
    else:
        crop_box = global_crop_box(decoded, 5, 15)
    clocks = (time.perf_counter, time.process_time)
    totals = {k: [0.0, 0.0] for k in ("align", "features", "total")}
    n = 0
    for _ in range(args.rounds):
        for p, img in zip(paths, decoded):
            t0 = [c() for c in clocks]
            if not args.no_align:
                align(sift, bf, ref_path, cv2.imread(str(p)), work / p.name)
            t1 = [c() for c in clocks]
            aligned = cv2.imread(str(work / p.name)) if not args.no_align else img
            t2 = [c() for c in clocks]
            make_input(aligned, crop_box, channels, args.pool)
            t3 = [c() for c in clocks]
            # features+pool timed on the decoded image alone; the total includes PIXAL's disk round trips
            for k, (a, b) in (("align", (t0, t1)), ("features", (t2, t3)), ("total", (t0, t3))):
                for i in range(2):
                    totals[k][i] += b[i] - a[i]
            n += 1
    result = {f"{k}_{c}": v[i] / n for k, v in totals.items() for i, c in enumerate(("wall", "cpu"))}
    print(json.dumps({"images": n, **result, "cv2": cv2.__version__, "threads": cv2.getNumThreads(), "crop_box": crop_box}))


if __name__ == "__main__":
    main()
