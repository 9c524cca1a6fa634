// The kinds of defect the generator draws, named as the folders of the MVTec AD layout.
import type { Random } from '../random.ts';
import type { DefectCanvas, Mark } from './canvas.ts';

export const DEFECT_KINDS = ['scratch', 'particle', 'cut_trace', 'bridged_traces', 'discolouration', 'missing_pad'] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** One defect ready to paint, with what was chosen about it (for the manifest). */
export interface DefectDraft {
  mark: Mark;
  details: Record<string, string | number>;
}

/** Proposes a defect at a random place, or null when the place it drew does not suit (the caller tries again). */
export type Drafter = (canvas: DefectCanvas, random: Random) => DefectDraft | null;

/** Defect sizes are given in pixels of the 1920x1080 reference; never thinner than a pixel in smaller frames. */
export const px = (canvas: DefectCanvas, reference: number, minimum = 1) => Math.max(minimum, reference * canvas.scale);
