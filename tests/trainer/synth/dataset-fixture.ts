// Reading generated datasets back: files, masks, the part's foreground as the pipeline finds it, colour statistics.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import type { Image } from '../../../trainer/image/image.ts';
import { removeBackground } from '../../../trainer/pipeline/background/index.ts';
import { hsvPlanes, hueDifference } from '../../../trainer/pipeline/background/colour.ts';

export const RAW_PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_raw.jpg';
export const REMBG_PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_rembg.png';

/** Every file under `root`, relative to it, sorted. */
export function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? listFiles(root, full) : [relative(root, full)];
    })
    .sort();
}

export function hashFiles(root: string): Map<string, string> {
  return new Map(listFiles(root).map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));
}

/** A single-channel image file's pixels, refusing anything but one channel. */
export async function readMask(file: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { channels } = await sharp(file).metadata();
  if (channels !== 1) throw new Error(`${file}: ${channels} channels, expected 1`);
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** The part's foreground as the pipeline's background removal finds it (0/255). */
export async function foregroundOf(image: Image): Promise<Uint8Array> {
  return (await removeBackground(image)).mask;
}

/** The real photo downscaled, and its reference foreground (rembg's alpha > 127), at the same size. */
export async function realPhoto(width: number, height: number): Promise<{ image: Image; foreground: Uint8Array }> {
  const { data } = await sharp(RAW_PHOTO).resize(width, height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const alpha = await sharp(REMBG_PHOTO).resize(width, height).extractChannel(3).raw().toBuffer();
  return {
    image: { width, height, channels: 3, data: new Uint8Array(data) },
    foreground: Uint8Array.from(alpha, (a) => (a > 127 ? 255 : 0)),
  };
}

export interface RegionColour {
  /** Circular mean hue (degrees) of the region's coloured pixels. */
  hue: number;
  /** Mean HSV value (0-255). */
  value: number;
}

/** Colour statistics of the part (foreground) and of the lit stage (background brighter than half the image's maximum). */
export function regionColours(image: Image, foreground: Uint8Array): { part: RegionColour; stage: RegionColour } {
  const hsv = hsvPlanes(image);
  const max = hsv.value.reduce((a, v) => Math.max(a, v), 0);
  const stats = (select: (i: number) => boolean): RegionColour => {
    let sin = 0;
    let cos = 0;
    let value = 0;
    let n = 0;
    for (let i = 0; i < hsv.value.length; i++) {
      if (!select(i)) continue;
      value += hsv.value[i]!;
      n++;
      if (hsv.saturation[i]! < 0.15 || Number.isNaN(hsv.hue[i]!)) continue;
      sin += Math.sin((hsv.hue[i]! * Math.PI) / 180);
      cos += Math.cos((hsv.hue[i]! * Math.PI) / 180);
    }
    return { hue: (((Math.atan2(sin, cos) * 180) / Math.PI) % 360 + 360) % 360, value: value / n };
  };
  return { part: stats((i) => foreground[i]! > 0), stage: stats((i) => !foreground[i] && hsv.value[i]! > max / 2) };
}

export const hueDistance = (a: number, b: number) => Math.abs(hueDifference(a, b));
