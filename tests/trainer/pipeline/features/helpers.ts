// Shared by the features tests: the real photo, a scratch folder, and the project's Python (numpy, opencv-python).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import type { Image } from '../../../../trainer/image/image.ts';

export const PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_raw.jpg';
export const REMBG = '/work/shared/data/pixal-sample/flex_f1_front_rembg.png';
export const PYTHON = resolve('.venv/bin/python');

/** A fresh temporary folder, removed after the test file. */
export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixal-features-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function python(args: string[], input?: string): string {
  return execFileSync(PYTHON, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}

/** An image of the given size whose pixel (x, y) has the channels `pixel(x, y)`. */
export function makeImage(width: number, height: number, channels: 1 | 3 | 4, pixel: (x: number, y: number) => number[]): Image {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
  return { width, height, channels, data };
}
