// What every sample of one part type starts from, whether drawn procedurally or cut out of a real photo:
// the part alone at its canonical pose, the empty stage, and where its traces and fingers are.
import type { Image } from '../image/image.ts';
import type { Box } from './flex/geometry.ts';

export type { Box };

export interface DefectZones {
  /** Where straight horizontal traces run, image pixels at the canonical pose. */
  traceBands: Box[];
  /** Where the connector fingers are. */
  fingerZones: Box[];
}

export interface PartTemplate {
  /** The part alone in the output frame: RGBA, alpha is the part's coverage (0 off the part). */
  part: Image;
  /** The stage without the part (RGB, output frame). */
  stage: Image;
  zones: DefectZones;
  /** Output pixels per pixel of the 1920x1080 reference: defect sizes and blur scale with it. */
  scale: number;
  /** The microscope software's scale bar is drawn on top (a real photo already has its own). */
  scaleBar: boolean;
}

/** Output pixels per reference pixel for an output size (the reference is the real 1920x1080 photo). */
export function referenceScale(width: number, height: number): number {
  return Math.min(width / 1920, height / 1080);
}

/** Maps reference-photo coordinates into an output frame of this size (uniform scale, centred). */
export function referenceToOutput(width: number, height: number): { scale: number; x: (v: number) => number; y: (v: number) => number } {
  const scale = referenceScale(width, height);
  const ox = (width - 1920 * scale) / 2;
  const oy = (height - 1080 * scale) / 2;
  return { scale, x: (v) => ox + v * scale, y: (v) => oy + v * scale };
}
