// Optional refinement of the classical mask's outline with OpenCV's GrabCut: colour models of part and
// stage learnt from the mask, and a graph cut that may move the outline within a narrow band around it.
// The mask's interior and everything beyond the band stay as they are. OpenCV loads only when asked for.
import type { Image } from '../../image/image.ts';
import { boundingBox, crop, dilate, erode, growBox, uncrop } from './binary-mask.ts';
import { BackgroundRemovalError } from './errors.ts';

/** Half-width of the band GrabCut may relabel, as a fraction of the image diagonal (about 9 px at 1920x1080). */
const BAND = 0.004;
const ITERATIONS = 3;

type OpenCv = typeof import('@u4/opencv4nodejs');

async function loadOpenCv(): Promise<OpenCv> {
  try {
    return (await import('../../image/opencv.ts')).default;
  } catch (err) {
    throw new BackgroundRemovalError(
      `grabcut needs OpenCV (@u4/opencv4nodejs), which did not load: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The mask (0/255 per pixel) with its outline moved by GrabCut where the colours say so. */
export async function refineWithGrabCut(image: Image, mask: Uint8Array): Promise<Uint8Array> {
  const cv = await loadOpenCv();
  const { width, height } = image;
  const whole = boundingBox(mask, width, height);
  if (!whole) return mask;
  const band = Math.max(3, Math.round(BAND * Math.hypot(width, height)));
  // Room beyond the band so that GrabCut's background model sees stage as well as vignette.
  const box = growBox(whole, 4 * band, width, height);
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const part = crop(mask, width, box);
  const sure = erode(part, w, h, band);
  const possible = dilate(part, w, h, band);
  const labels = new Uint8Array(w * h);
  for (let i = 0; i < labels.length; i++) {
    labels[i] = sure[i] ? cv.GC_FGD : !possible[i] ? cv.GC_BGD : part[i] ? cv.GC_PR_FGD : cv.GC_PR_BGD;
  }
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const source = ((box.y0 + y) * width + box.x0 + x) * image.channels;
      const target = (y * w + x) * 3;
      rgb[target] = image.data[source]!;
      rgb[target + 1] = image.data[source + 1]!;
      rgb[target + 2] = image.data[source + 2]!;
    }
  }
  const labelMat = new cv.Mat(Buffer.from(labels.buffer), h, w, cv.CV_8UC1);
  new cv.Mat(Buffer.from(rgb.buffer), h, w, cv.CV_8UC3).grabCut(
    labelMat,
    new cv.Rect(0, 0, w, h),
    new cv.Mat(),
    new cv.Mat(),
    ITERATIONS,
    cv.GC_INIT_WITH_MASK,
  );
  const result = labelMat.getData();
  const refined = new Uint8Array(w * h);
  for (let i = 0; i < refined.length; i++) refined[i] = result[i] === cv.GC_FGD || result[i] === cv.GC_PR_FGD ? 255 : 0;
  return uncrop(refined, box, width, height);
}
