// A small procedural photo for the background tests: a part (rotated rectangle with darker traces and a
// white label) on a back-lit disc whose brightness falls off to a dark vignette, with sensor noise, and
// the part's true mask. Stage and part colours are parameters, so the tests can show that nothing in the
// classical method is tied to the real photo's pink stage.
import type { Image } from '../../../../trainer/image/image.ts';

export interface SceneOptions {
  width?: number;
  height?: number;
  stage: [number, number, number];
  part: [number, number, number];
  /** Degrees. */
  rotation?: number;
  noise?: number;
}

export function scene(options: SceneOptions): { image: Image; truth: Uint8Array } {
  const { width = 640, height = 480, stage, part, rotation = 7, noise = 4 } = options;
  const cx = width / 2;
  const cy = height / 2;
  const radius = 0.47 * Math.min(width, height) * 1.25;
  const halfLength = 0.33 * width;
  const halfWidth = 0.09 * height;
  const angle = (rotation * Math.PI) / 180;
  const data = new Uint8Array(width * height * 3);
  const truth = new Uint8Array(width * height);
  let seed = 12345;
  const uniform = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed + 0.5) / 2 ** 32;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - cx, y - cy);
      // Lit disc with a soft 3-pixel rim, brighter in the middle, over a dark vignette.
      const light = Math.min(1, Math.max(0, (radius - r) / 3)) * (1 - 0.3 * (r / radius) ** 2) + 0.02;
      const u = (x - cx) * Math.cos(angle) + (y - cy) * Math.sin(angle);
      const v = -(x - cx) * Math.sin(angle) + (y - cy) * Math.cos(angle);
      const outside = Math.max(Math.abs(u) - halfLength, Math.abs(v) - halfWidth);
      const coverage = Math.min(1, Math.max(0, 0.5 - outside));
      const trace = Math.abs(v) < halfWidth - 8 && ((v + 1000) % 14) < 4 ? 0.45 : 1;
      const label = Math.abs(u) < 0.3 * halfLength && Math.abs(v) < 0.2 * halfWidth;
      const p = 3 * (y * width + x);
      for (let k = 0; k < 3; k++) {
        const partValue = label ? 235 : part[k]! * trace;
        const value = light * (coverage * partValue + (1 - coverage) * stage[k]!);
        const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
        data[p + k] = Math.min(255, Math.max(0, Math.round(value + noise * gaussian)));
      }
      truth[y * width + x] = coverage > 0.5 ? 1 : 0;
    }
  }
  return { image: { width, height, channels: 3, data }, truth };
}
