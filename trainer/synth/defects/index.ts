// Draws one defect of a kind onto a part at its canonical pose: proposals at random places until one fits and
// leaves a visible mark. The mask is then carried through the pose with the pixels.
import type { Random } from '../random.ts';
import { paint, saveBox, type DefectCanvas } from './canvas.ts';
import { draftDiscolouration } from './discolouration.ts';
import type { DefectKind, Drafter } from './kinds.ts';
import { draftParticle } from './particle.ts';
import { draftScratch } from './scratch.ts';
import { draftBridgedTraces, draftCutTrace, draftMissingPad } from './traces.ts';

export { analysePart } from './analysis.ts';
export { newCanvas, type DefectCanvas, type PartAnalysis } from './canvas.ts';
export { DEFECT_KINDS, type DefectKind } from './kinds.ts';

const DRAFTERS: Record<DefectKind, Drafter> = {
  scratch: draftScratch,
  particle: draftParticle,
  cut_trace: draftCutTrace,
  bridged_traces: draftBridgedTraces,
  discolouration: draftDiscolouration,
  missing_pad: draftMissingPad,
};

/** Proposals tried before giving up (a part without traces where they were expected, or far too small a frame). */
const ATTEMPTS = 2000;

export class NoPlaceForDefectError extends Error {}

export interface DrawnDefect {
  /** 0/255, canonical frame. */
  mask: Uint8Array;
  /** The box of pixels the defect may have changed. */
  box: { x0: number; y0: number; x1: number; y1: number };
  details: Record<string, string | number>;
}

/** Paints a defect of `kind` onto the canvas. */
export function drawDefect(kind: DefectKind, canvas: DefectCanvas, random: Random): DrawnDefect {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const draft = DRAFTERS[kind](canvas, random);
    if (!draft) continue;
    const restore = saveBox(canvas, draft.mark);
    const mask = paint(canvas, draft.mark);
    if (mask) return { mask, box: { x0: draft.mark.x0, y0: draft.mark.y0, x1: draft.mark.x1, y1: draft.mark.y1 }, details: draft.details };
    restore();
  }
  throw new NoPlaceForDefectError(`found no place for a ${kind} defect on this part after ${ATTEMPTS} tries`);
}
