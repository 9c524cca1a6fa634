// Each defect drawer on a drawn part: a mask inside the part, pixels changed under it and only near it, sizes
// from a few pixels to tens of pixels (at the 1920x1080 reference), and the kinds that need copper find it.
import { beforeAll, describe, expect, it } from 'vitest';
import { analysePart, drawDefect, newCanvas, DEFECT_KINDS, type DefectKind } from '../../../trainer/synth/defects/index.ts';
import { Material, type PartAnalysis } from '../../../trainer/synth/defects/canvas.ts';
import { proceduralTemplate } from '../../../trainer/synth/part.ts';
import { Random } from '../../../trainer/synth/random.ts';
import type { PartTemplate } from '../../../trainer/synth/template.ts';

const W = 960;
const H = 540;
const SCALE = 0.5;

/** Largest extent of the mask's bounding box, in reference (1920-wide) pixels. */
function extent(mask: Uint8Array): number {
  let x0 = W;
  let y0 = H;
  let x1 = -1;
  let y1 = -1;
  mask.forEach((v, i) => {
    if (!v) return;
    const x = i % W;
    const y = Math.floor(i / W);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  });
  return Math.max(x1 - x0 + 1, y1 - y0 + 1) / SCALE;
}

/** Reference-pixel size limits of the mask's extent, per kind. */
const EXTENTS: Record<DefectKind, [number, number]> = {
  scratch: [12, 170],
  particle: [2, 80],
  cut_trace: [2, 20],
  bridged_traces: [2, 30],
  discolouration: [8, 130],
  missing_pad: [8, 80],
};

describe('defect drawers', () => {
  let template: PartTemplate;
  let analysis: PartAnalysis;
  beforeAll(async () => {
    template = await proceduralTemplate('front', W, H);
    analysis = analysePart(template);
  });

  it.each(DEFECT_KINDS)('%s: a visible mark inside the part, sized like the real thing', (kind) => {
    const extents: number[] = [];
    for (let k = 0; k < 6; k++) {
      const canvas = newCanvas(template, analysis);
      const { mask, box } = drawDefect(kind, canvas, new Random('defects-test', kind, k));
      let changed = 0;
      let on = 0;
      let alphaChanged = 0;
      for (let i = 0; i < W * H; i++) {
        if (canvas.part.data[4 * i + 3] !== template.part.data[4 * i + 3]) alphaChanged++;
        const moved = [0, 1, 2].some((c) => canvas.part.data[4 * i + c] !== template.part.data[4 * i + c]);
        if (mask[i]) {
          on++;
          expect(mask[i]).toBe(255);
          expect(analysis.material[i], 'mask pixel outside the part interior').not.toBe(Material.Outside);
          if (moved) changed++;
        }
        if (moved) {
          // Changes stay in the mark's box.
          const x = i % W;
          const y = Math.floor(i / W);
          expect(x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1).toBe(true);
        }
      }
      expect(on).toBeGreaterThan(0);
      expect(changed, 'every mask pixel changed').toBe(on);
      expect(alphaChanged, 'the outline never changes').toBe(0);
      extents.push(extent(mask));
    }
    const [min, max] = EXTENTS[kind];
    for (const e of extents) {
      expect(e, `${kind} extent ${e}`).toBeGreaterThanOrEqual(min);
      expect(e, `${kind} extent ${e}`).toBeLessThanOrEqual(max);
    }
    // Sizes vary from one defect to the next.
    expect(Math.max(...extents) / Math.min(...extents)).toBeGreaterThan(1.3);
  });

  it('is the same defect for the same stream', () => {
    const a = newCanvas(template, analysis);
    const b = newCanvas(template, analysis);
    drawDefect('scratch', a, new Random('same'));
    drawDefect('scratch', b, new Random('same'));
    expect(Buffer.compare(a.part.data, b.part.data)).toBe(0);
  });
});
