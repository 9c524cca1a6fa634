// One synthetic photo: the part of a type, with a defect or none, laid on the stage at a random pose and taken
// by a camera in a random state. Everything random comes from the sample's own stream, keyed by the dataset's
// seed and the sample's identity, so a sample does not depend on any other.
import type { Image } from '../image/image.ts';
import { expose, jpegRoundTrip, sampleCamera, type CameraSettings } from './camera.ts';
import { analysePart, drawDefect, newCanvas, type DefectKind, type PartAnalysis } from './defects/index.ts';
import type { SynthOptions } from './options.ts';
import { samplePose, type Pose } from './pose.ts';
import { Random } from './random.ts';
import { overlay, renderScaleBar, type Overlay } from './scale-bar.ts';
import { composeScene, premultiply, type Scene } from './scene.ts';
import type { PartTemplate } from './template.ts';

export interface SampleSpec {
  split: 'train' | 'test';
  type: string;
  /** null: a good part. */
  defect: DefectKind | null;
  index: number;
}

export interface DefectRecord {
  kind: DefectKind;
  details: Record<string, string | number>;
  /** Pixels of the mask in the output image, and their bounding box [x0, y0, x1, y1] (inclusive). */
  area: number;
  box: [number, number, number, number];
}

export interface Sample {
  /** RGB. */
  image: Image;
  /** 0/255 per pixel, the defect's pixels; null for a good part. */
  mask: Uint8Array | null;
  /** 0/255 per pixel, the part's pixels. */
  foreground: Uint8Array;
  pose: Pose;
  camera: CameraSettings;
  defect: DefectRecord | null;
}

/** A template with what every sample of its type reuses. */
export interface PreparedType {
  template: PartTemplate;
  analysis: PartAnalysis;
  /** The part premultiplied by its coverage, as the scene wants it. */
  premultiplied: Uint8Array;
  scaleBar: Overlay | null;
  /** The part's centre and half-size at the canonical pose (output pixels): the pose turns it about its centre. */
  centre: [number, number];
  halfSize: [number, number];
}

export async function prepareType(template: PartTemplate): Promise<PreparedType> {
  const { width, height, data } = template.part;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[4 * (y * width + x) + 3]! < 128) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) throw new Error('the part template is empty');
  return {
    template,
    analysis: analysePart(template),
    premultiplied: premultiply(template.part),
    scaleBar: template.scaleBar ? await renderScaleBar(width, height) : null,
    centre: [(x0 + x1 + 1) / 2, (y0 + y1 + 1) / 2],
    halfSize: [(x1 - x0 + 1) / 2, (y1 - y0 + 1) / 2],
  };
}

/** Redraws allowed when a defect's mask vanishes under the pose (a one-pixel defect in a tiny frame). */
const REDRAWS = 20;

/** The part, with its defect if it has one, laid on the stage at the pose. */
function place(prepared: PreparedType, spec: SampleSpec, pose: Pose, random: Random, defectScale: number): { scene: Scene; details: Record<string, string | number> } {
  const { template } = prepared;
  if (!spec.defect) return { scene: composeScene(template.stage, prepared.premultiplied, null, pose.homography), details: {} };
  for (let redraw = 0; ; redraw++) {
    const canvas = newCanvas(template, prepared.analysis, defectScale);
    const drawn = drawDefect(spec.defect, canvas, random);
    const part = premultiply(canvas.part, prepared.premultiplied.slice(), drawn.box);
    const scene = composeScene(template.stage, part, drawn.mask, pose.homography);
    if (scene.mask!.some((v) => v > 0)) return { scene, details: drawn.details };
    if (redraw === REDRAWS) throw new Error(`the ${spec.defect} defect of ${spec.type} #${spec.index} vanished under its pose ${REDRAWS + 1} times`);
  }
}

export async function renderSample(
  prepared: PreparedType,
  spec: SampleSpec,
  { seed, component, defectScale }: Pick<SynthOptions, 'seed' | 'component' | 'defectScale'>,
): Promise<Sample> {
  const { template } = prepared;
  const random = new Random(seed, component, spec.type, spec.split, spec.defect ?? 'good', spec.index);
  const pose = samplePose(random.fork('pose'), template.stage.width, template.stage.height, prepared.centre, prepared.halfSize);
  const camera = sampleCamera(random.fork('camera'), template.scale);
  const { scene, details } = place(prepared, spec, pose, random.fork('defect'), defectScale);
  const image = await jpegRoundTrip(expose(scene.image, camera, random.fork('noise')), camera.jpegQuality);
  if (prepared.scaleBar) overlay(image, prepared.scaleBar);
  const defect = spec.defect ? { kind: spec.defect, details, ...maskExtent(scene.mask!, template.stage.width) } : null;
  return { image, mask: scene.mask, foreground: scene.foreground, pose, camera, defect };
}

function maskExtent(mask: Uint8Array, width: number): { area: number; box: [number, number, number, number] } {
  let area = 0;
  const box: [number, number, number, number] = [Infinity, Infinity, -1, -1];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    area++;
    const x = i % width;
    const y = Math.floor(i / width);
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return { area, box };
}
