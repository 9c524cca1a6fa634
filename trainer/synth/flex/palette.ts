// Colours of the flex as the camera sees it on the back-lit stage (sRGB), measured on the real photo
// (data/pixal-sample/flex_f1_front_raw.jpg): copper under the yellow coverlay, the etched gaps between traces,
// copper-free voids, the cut edge that lets red stage light through, the gold fingers, the silkscreen.

export type Rgb = readonly [number, number, number];

export interface FlexPalette {
  copper: Rgb;
  /** Copper of a second tone: traces alternate slightly between the two. */
  copperAlt: Rgb;
  gap: Rgb;
  void: Rgb;
  /** Outer and inner band of the cut edge. */
  edgeOuter: Rgb;
  edgeInner: Rgb;
  finger: Rgb;
  fingerGap: Rgb;
  silkscreen: Rgb;
}

/** Front: coverlay over copper, as in the real photo. */
const FRONT: FlexPalette = {
  copper: [176, 197, 24],
  copperAlt: [162, 174, 20],
  gap: [84, 96, 0],
  void: [96, 64, 6],
  edgeOuter: [166, 56, 8],
  edgeInner: [108, 46, 0],
  finger: [152, 212, 38],
  fingerGap: [56, 100, 0],
  silkscreen: [178, 231, 152],
};

/** Back: the ground-plane side, more copper showing, a warmer and slightly darker tone. */
const BACK: FlexPalette = {
  copper: [194, 184, 30],
  copperAlt: [178, 160, 26],
  gap: [98, 84, 2],
  void: [100, 58, 8],
  edgeOuter: [168, 58, 10],
  edgeInner: [110, 44, 2],
  finger: [170, 204, 44],
  fingerGap: [66, 92, 0],
  silkscreen: [184, 228, 160],
};

export const PALETTES = { front: FRONT, back: BACK } as const;

export function css([r, g, b]: Rgb): string {
  return `rgb(${r},${g},${b})`;
}
