// OpenCV's 8-bit colour conversions (cvtColor RGB2HSV, RGB2YCrCb, RGB2Lab), re-implemented bit for bit on
// planar typed arrays: same fixed-point constants, same lookup tables, same rounding. PIXAL computes its
// features from these 8-bit outputs, so matching them exactly keeps trained models interchangeable.

/** One 8-bit plane per colour channel, row-major, all of `width * height` pixels. */
export interface RgbPlanes {
  width: number;
  height: number;
  r: Uint8Array;
  g: Uint8Array;
  b: Uint8Array;
}

/** Three 8-bit output planes of one conversion, in OpenCV's channel order. */
export type ThreePlanes = [Uint8Array, Uint8Array, Uint8Array];

// ---- HSV (hrange 180: H in 0..179) --------------------------------------------------------------
const HSV_SHIFT = 12;
const HSV_ROUND = 1 << (HSV_SHIFT - 1);
// OpenCV fills these with saturate_cast<int>(double), which rounds half to even; no value here sits on .5.
const SDIV = Int32Array.from({ length: 256 }, (_, i) => (i === 0 ? 0 : Math.round((255 << HSV_SHIFT) / i)));
const HDIV180 = Int32Array.from({ length: 256 }, (_, i) => (i === 0 ? 0 : Math.round((180 << HSV_SHIFT) / (6 * i))));

/** cv2.cvtColor(rgb, COLOR_RGB2HSV) on 8-bit input: [H 0..179, S 0..255, V 0..255]. */
export function rgbToHsv({ r, g, b }: RgbPlanes): ThreePlanes {
  const n = r.length;
  const H = new Uint8Array(n);
  const S = new Uint8Array(n);
  const V = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const R = r[i]!;
    const G = g[i]!;
    const B = b[i]!;
    const v = R > G ? (R > B ? R : B) : G > B ? G : B;
    const vmin = R < G ? (R < B ? R : B) : G < B ? G : B;
    const diff = v - vmin;
    let h: number;
    if (v === R) h = G - B;
    else if (v === G) h = B - R + 2 * diff;
    else h = R - G + 4 * diff;
    h = (h * HDIV180[diff]! + HSV_ROUND) >> HSV_SHIFT;
    if (h < 0) h += 180;
    H[i] = h;
    S[i] = (diff * SDIV[v]! + HSV_ROUND) >> HSV_SHIFT;
    V[i] = v;
  }
  return [H, S, V];
}

// ---- YCrCb (BT.601, yuv_shift 14) ----------------------------------------------------------------
const YUV_SHIFT = 14;
const YUV_ROUND = 1 << (YUV_SHIFT - 1);
const R2Y = 4899;
const G2Y = 9617;
const B2Y = 1868;
const YCRI = 11682;
const YCBI = 9241;
const YUV_DELTA = 128 << YUV_SHIFT;

const clampByte = (x: number): number => (x < 0 ? 0 : x > 255 ? 255 : x);

/** cv2.cvtColor(rgb, COLOR_RGB2YCrCb) on 8-bit input: [Y, Cr, Cb], each 0..255. */
export function rgbToYCrCb({ r, g, b }: RgbPlanes): ThreePlanes {
  const n = r.length;
  const Y = new Uint8Array(n);
  const Cr = new Uint8Array(n);
  const Cb = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const R = r[i]!;
    const B = b[i]!;
    const y = (R * R2Y + g[i]! * G2Y + B * B2Y + YUV_ROUND) >> YUV_SHIFT;
    Y[i] = y;
    Cr[i] = clampByte(((R - y) * YCRI + YUV_DELTA + YUV_ROUND) >> YUV_SHIFT);
    Cb[i] = clampByte(((B - y) * YCBI + YUV_DELTA + YUV_ROUND) >> YUV_SHIFT);
  }
  return [Y, Cr, Cb];
}

// ---- Lab (sRGB, D65; 8-bit: L = L*·255/100, a = a*+128, b = b*+128) ------------------------------
const LAB_SHIFT = 12;
const GAMMA_SHIFT = 3;
const LAB_SHIFT2 = LAB_SHIFT + GAMMA_SHIFT;
const LAB_CBRT_TAB_SIZE_B = ((256 * 3) / 2) * (1 << GAMMA_SHIFT);
const f32 = Math.fround;

/** cvRound on a float: nearest integer, ties to even (softfloat's default rounding). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// OpenCV builds these tables with single-precision softfloat; Math.fround reproduces each rounding step.
const SRGB_GAMMA_TAB = Uint16Array.from({ length: 256 }, (_, i) => {
  const x = f32(i / 255);
  const linear = f32(x <= 809 / 20000 ? x / (323 / 25) : Math.pow((x + 11 / 200) / (1 + 11 / 200), 12 / 5));
  return roundHalfEven(f32(2040 * linear));
});

const LAB_CBRT_TAB = (() => {
  const lthresh = f32(216 / 24389);
  const lscale = f32(841 / 108);
  const lbias = f32(16 / 116);
  const scale = f32(1 / 2040);
  const tab = Uint16Array.from({ length: LAB_CBRT_TAB_SIZE_B }, (_, i) => {
    const x = f32(scale * i);
    const f = x < lthresh ? f32(x * lscale + lbias) : f32(Math.cbrt(x));
    return roundHalfEven(f * (1 << LAB_SHIFT2));
  });
  // softfloat's cbrt is not correctly rounded: for this one entry of 3072 it returns the float below the
  // nearest one, which lands exactly on a .5 tie (17745.5) and rounds down. Checked against cv2 on all 2^24 colours.
  tab[324] = 17745;
  return tab;
})();

// sRGB → XYZ (D65) rows divided by the white point, in 12-bit fixed point, as RGB2Lab_b builds them.
const LAB_COEFFS = (() => {
  const m = [0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227];
  const white = [0.950456, 1, 1.088754];
  return Int32Array.from(m, (c, k) => Math.round(((1 << LAB_SHIFT) * c) / white[Math.floor(k / 3)]!));
})();

/** cv2.cvtColor(rgb, COLOR_RGB2Lab) on 8-bit input: [L 0..255, a, b], a and b centred on 128. */
export function rgbToLab({ r, g, b }: RgbPlanes): ThreePlanes {
  const n = r.length;
  const L = new Uint8Array(n);
  const A = new Uint8Array(n);
  const Bo = new Uint8Array(n);
  const c = LAB_COEFFS;
  const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!, c8 = c[8]!;
  const round1 = 1 << (LAB_SHIFT - 1);
  const round2 = 1 << (LAB_SHIFT2 - 1);
  const lScale = Math.trunc((116 * 255 + 50) / 100);
  const lShift = -Math.trunc((16 * 255 * (1 << LAB_SHIFT2) + 50) / 100);
  const abOffset = 128 * (1 << LAB_SHIFT2) + round2;
  const gamma = SRGB_GAMMA_TAB;
  const cbrt = LAB_CBRT_TAB;
  for (let i = 0; i < n; i++) {
    const R = gamma[r[i]!]!;
    const G = gamma[g[i]!]!;
    const B = gamma[b[i]!]!;
    const fX = cbrt[(R * c0 + G * c1 + B * c2 + round1) >> LAB_SHIFT]!;
    const fY = cbrt[(R * c3 + G * c4 + B * c5 + round1) >> LAB_SHIFT]!;
    const fZ = cbrt[(R * c6 + G * c7 + B * c8 + round1) >> LAB_SHIFT]!;
    L[i] = clampByte((lScale * fY + lShift + round2) >> LAB_SHIFT2);
    A[i] = clampByte((500 * (fX - fY) + abOffset) >> LAB_SHIFT2);
    Bo[i] = clampByte((200 * (fY - fZ) + abOffset) >> LAB_SHIFT2);
  }
  return [L, A, Bo];
}
