// Where each sample goes on disk. Training images in PIXAL's input layout, ready for
// `pixal preprocess -i DIR/train/<component>`:
//   DIR/train/<component>/<type>/000.png                       good parts only
// Test images in the MVTec AD / anomalib layout:
//   DIR/test/<component>/<type>/good/000.png
//   DIR/test/<component>/<type>/<defect>/000.png
//   DIR/test/<component>/<type>/ground_truth/<defect>/000_mask.png   0/255, one channel, same size
// and DIR/manifest.json recording how every file was made.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writePng } from '../image/image.ts';
import type { Pose } from './pose.ts';
import type { CameraSettings } from './camera.ts';
import type { Sample, SampleSpec } from './sample.ts';

const stem = (index: number) => String(index).padStart(3, '0');

/** The image's path relative to the dataset root. */
export function imagePath(component: string, spec: SampleSpec): string {
  if (spec.split === 'train') return join('train', component, spec.type, `${stem(spec.index)}.png`);
  return join('test', component, spec.type, spec.defect ?? 'good', `${stem(spec.index)}.png`);
}

/** The mask's path relative to the dataset root; null for a good part (MVTec has no masks for those). */
export function maskPath(component: string, spec: SampleSpec): string | null {
  if (!spec.defect) return null;
  return join('test', component, spec.type, 'ground_truth', spec.defect, `${stem(spec.index)}_mask.png`);
}

export interface ManifestEntry {
  file: string;
  split: SampleSpec['split'];
  type: string;
  defect: string | null;
  mask: string | null;
  /** Pixels of the mask and its bounding box [x0, y0, x1, y1] (inclusive), output frame. */
  mask_area: number | null;
  mask_box: [number, number, number, number] | null;
  defect_details: Record<string, string | number> | null;
  pose: Omit<Pose, 'rotationDeg' | 'homography'> & { rotation_deg: number; homography: number[] };
  camera: CameraSettings;
}

export interface Manifest {
  generator: 'pixal synth';
  seed: number;
  options: Record<string, unknown>;
  files: ManifestEntry[];
}

/** Six significant digits: enough to redo a pose, short enough to read. */
const round = (v: number) => Number(v.toPrecision(6));

export function manifestEntry(component: string, spec: SampleSpec, sample: Sample): ManifestEntry {
  const { pose, camera, defect } = sample;
  return {
    file: imagePath(component, spec),
    split: spec.split,
    type: spec.type,
    defect: spec.defect,
    mask: maskPath(component, spec),
    mask_area: defect?.area ?? null,
    mask_box: defect?.box ?? null,
    defect_details: defect?.details ?? null,
    pose: {
      rotation_deg: round(pose.rotationDeg),
      scale: round(pose.scale),
      shift: pose.shift.map(round) as [number, number],
      tilt: pose.tilt.map(round) as [number, number],
      homography: pose.homography.map(round),
    },
    camera: {
      ...camera,
      gain: round(camera.gain),
      whiteBalance: camera.whiteBalance.map(round) as [number, number, number],
      vignette: round(camera.vignette),
      blurSigma: round(camera.blurSigma),
      readNoise: round(camera.readNoise),
      shotNoise: round(camera.shotNoise),
    },
  };
}

/** Writes a sample's image (and mask) under the dataset root. */
export async function writeSample(root: string, component: string, spec: SampleSpec, sample: Sample): Promise<void> {
  const image = join(root, imagePath(component, spec));
  await mkdir(dirname(image), { recursive: true });
  const writes = [writePng(image, sample.image)];
  const mask = maskPath(component, spec);
  if (mask && sample.mask) {
    const file = join(root, mask);
    await mkdir(dirname(file), { recursive: true });
    writes.push(writePng(file, { width: sample.image.width, height: sample.image.height, channels: 1, data: sample.mask }));
  }
  await Promise.all(writes);
}

export async function writeManifest(root: string, manifest: Manifest): Promise<string> {
  const file = join(root, 'manifest.json');
  await writeFile(file, `${JSON.stringify(manifest, null, 1)}\n`);
  return file;
}
