// A small component built from the real flex photo, and a way to run the real `pixal` CLI on it.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const RAW_PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_raw.jpg';
const BIN = fileURLToPath(new URL('../../../trainer/cli/bin.mjs', import.meta.url));

/** Size of the downscaled copies (the photo is 1920x1080). */
export const WIDTH = 480;
export const HEIGHT = 270;

/** As a part lies on the stage from one photo to the next: a few pixels off, a degree or two turned. */
const POSES = [
  { dx: 0, dy: 0, angle: 0 },
  { dx: 6, dy: -4, angle: 1.5 },
  { dx: -5, dy: 3, angle: -1 },
];

/**
 * `<root>/<component>/front/img_{0,1,2}.jpg` and `back/...` (the photo mirrored), each a shifted and rotated,
 * downscaled copy of the photo, plus `front/broken.jpg`: a JPEG cut off after 3000 bytes.
 */
export async function makeComponent(root: string, component = 'flex_f1'): Promise<string> {
  const dir = join(root, component);
  const pad = 24;
  const base = await sharp(RAW_PHOTO).resize(WIDTH, HEIGHT).extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#000' }).toBuffer();
  for (const [type, mirrored] of [['front', false], ['back', true]] as const) {
    mkdirSync(join(dir, type), { recursive: true });
    for (const [i, pose] of POSES.entries()) {
      const { data, info } = await sharp(base).rotate(pose.angle, { background: '#000' }).toBuffer({ resolveWithObject: true });
      const window = { left: Math.round((info.width - WIDTH) / 2) + pose.dx, top: Math.round((info.height - HEIGHT) / 2) + pose.dy, width: WIDTH, height: HEIGHT };
      const posed = await sharp(data).extract(window).toBuffer();
      await (mirrored ? sharp(posed).flop() : sharp(posed)).jpeg({ quality: 92 }).toFile(join(dir, type, `img_${i}.jpg`));
    }
  }
  writeFileSync(join(dir, 'front', 'broken.jpg'), readFileSync(join(dir, 'front', 'img_0.jpg')).subarray(0, 3000));
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node trainer/cli/bin.mjs <args>` in `cwd` (outputs land there: ./out/ by paths.yaml). */
export function runPixal(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
