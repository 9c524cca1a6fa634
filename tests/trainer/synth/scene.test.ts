// The pose: masks go through exactly the warp the pixels go through, so they stay aligned with the defect.
import { beforeAll, describe, expect, it } from 'vitest';
import { analysePart, drawDefect, newCanvas, DEFECT_KINDS } from '../../../trainer/synth/defects/index.ts';
import { proceduralTemplate } from '../../../trainer/synth/part.ts';
import { project, samplePose } from '../../../trainer/synth/pose.ts';
import { Random } from '../../../trainer/synth/random.ts';
import { composeScene, premultiply } from '../../../trainer/synth/scene.ts';
import type { PartTemplate } from '../../../trainer/synth/template.ts';
import type { PartAnalysis } from '../../../trainer/synth/defects/canvas.ts';
import { dilate } from '../../../trainer/pipeline/background/binary-mask.ts';

const W = 480;
const H = 270;

describe('samplePose', () => {
  it('turns the part about its centre by the drawn angle, within the limits', () => {
    for (let k = 0; k < 20; k++) {
      const pose = samplePose(new Random('pose', k), W, H, [240, 135], [160, 45]);
      expect(Math.abs(pose.rotationDeg)).toBeLessThanOrEqual(3);
      expect(Math.abs(pose.scale - 1)).toBeLessThanOrEqual(0.04);
      // The centre moves by the shift only.
      const [x, y] = project(pose.homography, 240, 135);
      expect(x).toBeCloseTo(240 + pose.shift[0], 6);
      expect(y).toBeCloseTo(135 + pose.shift[1], 6);
      // A point along the part's axis turns by the angle (perspective bends it by a fraction of a degree).
      const [ax, ay] = project(pose.homography, 340, 135);
      const angle = (Math.atan2(ay - y, ax - x) * 180) / Math.PI;
      expect(Math.abs(angle - pose.rotationDeg)).toBeLessThan(0.6);
    }
  });
});

describe('composeScene', () => {
  let template: PartTemplate;
  let analysis: PartAnalysis;
  beforeAll(async () => {
    template = await proceduralTemplate('front', W, H);
    analysis = analysePart(template);
  });

  it('puts the warped mask exactly where the warped defect changed the picture', () => {
    const clean = premultiply(template.part);
    for (const kind of DEFECT_KINDS) {
      const canvas = newCanvas(template, analysis);
      const { mask } = drawDefect(kind, canvas, new Random('align', kind));
      const pose = samplePose(new Random('align-pose', kind), W, H, [240, 135], [160, 45]);
      const before = composeScene(template.stage, clean, null, pose.homography);
      const after = composeScene(template.stage, premultiply(canvas.part), mask, pose.homography);
      expect(Buffer.compare(after.foreground, before.foreground), 'the defect does not move the outline').toBe(0);
      const warped = after.mask!;
      const near = dilate(warped, W, H, 2);
      let inMask = 0;
      let changedInMask = 0;
      let changeInside = 0;
      let changeOutside = 0;
      let clearChangesOutside = 0;
      for (let i = 0; i < W * H; i++) {
        let diff = 0;
        for (let c = 0; c < 3; c++) diff += Math.abs(after.image.data[3 * i + c]! - before.image.data[3 * i + c]!);
        if (warped[i]) {
          inMask++;
          expect(after.foreground[i], `${kind}: mask pixel off the part`).toBe(255);
          if (diff > 0) changedInMask++;
          changeInside += diff;
        } else {
          changeOutside += diff;
          if (!near[i] && diff > 12) clearChangesOutside++;
        }
      }
      expect(inMask, kind).toBeGreaterThan(0);
      // Bilinear pixels vs a nearest-neighbour mask: all but a rim of the mask changed, and most of the change
      // lies under the mask.
      expect(changedInMask / inMask, kind).toBeGreaterThan(0.8);
      expect(changeOutside, kind).toBeLessThan(changeInside);
      // Hard-edged defects leave nothing beyond their antialiased rim; a stain fades out softly past its mask.
      if (kind !== 'discolouration') expect(clearChangesOutside, kind).toBe(0);
    }
  });
});
