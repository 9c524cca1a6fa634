// Classical background removal for parts photographed on a back-lit coloured stage: every threshold is
// relative to the stage as estimated from the image (its local hue, hue spread and brightness).
//  1. part core: hue clearly unlike the local stage hue, and not dark vignette;
//  2. largest connected component, then near it: opening (cuts thin bridges, e.g. to the chromatic fringe at
//     the rim of the lit disc), largest component again, closing (bridges notches), hole filling (text,
//     traces, dark copper inside the part);
//  3. the part's edge: in transmitted light it is a dark band whose hue drifts from the stage's to the
//     part's. Pixels near the part that are neither clearly stage nor core go to whichever is nearer, which
//     puts the outline in the middle of that band (where rembg's alpha crosses one half).
import type { Image } from '../../image/image.ts';
import { close, crop, fillHoles, growBox, largestComponent, open, reachedFirst, uncrop } from './binary-mask.ts';
import { hsvPlanes, hueDifference } from './colour.ts';
import { BackgroundRemovalError } from './errors.ts';
import { estimateStage, MIN_SATURATION } from './stage.ts';

/** Stage pixels lie within max(this, SPREAD_FACTOR x the stage's hue spread) degrees of the local stage hue. */
const MIN_STAGE_TOLERANCE = 12;
const SPREAD_FACTOR = 3;
/** Core pixels lie this many degrees beyond the stage tolerance: the gap is the uncertain edge. */
const CORE_MARGIN = 8;
/** Stage pixels are at least this fraction as bright as the local stage; darker ones are edge or shadow. */
const STAGE_BRIGHTNESS = 0.85;
/** Below this fraction of the local stage brightness a pixel is vignette (or dark copper, refilled later). */
const DARK = 0.25;
/** Morphology radii as fractions of the image diagonal, so results do not depend on resolution. */
const OPEN_RADIUS = 0.001;
const CLOSE_RADIUS = 0.0035;
/** A part smaller than this fraction of the image is noise, not a part. */
const MIN_PART_FRACTION = 0.001;

/** The part's mask (0 or 255 per pixel); throws BackgroundRemovalError when there is no stage or no part. */
export function classicalMask(image: Image): Uint8Array {
  if (image.channels < 3) {
    throw new BackgroundRemovalError('the classical method needs a colour (RGB) image, got one channel');
  }
  const { width, height } = image;
  const n = width * height;
  const hsv = hsvPlanes(image);
  const stage = estimateStage(hsv, width, height);
  const stageTolerance = Math.max(MIN_STAGE_TOLERANCE, SPREAD_FACTOR * stage.hueSpread);
  const coreTolerance = stageTolerance + CORE_MARGIN;
  const core = new Uint8Array(n);
  const onStage = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Grey pixels (saturation 0, hue undefined) are neither: holes or edge, decided by geometry below.
    if (hsv.saturation[i]! < MIN_SATURATION) continue;
    const distance = Math.abs(hueDifference(hsv.hue[i]!, stage.hue) - stage.localHueOffset[i]!);
    const brightness = hsv.value[i]! / stage.localValue[i]!;
    if (distance > coreTolerance && brightness > DARK) core[i] = 1;
    else if (distance <= stageTolerance && brightness >= STAGE_BRIGHTNESS) onStage[i] = 1;
  }

  const diagonal = Math.hypot(width, height);
  const openRadius = Math.max(1, Math.round(OPEN_RADIUS * diagonal));
  const closeRadius = Math.max(2, Math.round(CLOSE_RADIUS * diagonal));
  const noPart = () =>
    new BackgroundRemovalError(
      `no part found on the stage (hue ${stage.hue.toFixed(0)}°, ${(100 * stage.coverage).toFixed(1)}% of the image): ` +
        `no region of another colour larger than ${(100 * MIN_PART_FRACTION).toFixed(1)}% of the image`,
    );
  const candidate = largestComponent(core, width, height);
  if (!candidate || candidate.area < MIN_PART_FRACTION * n) throw noPart();

  // Everything from here happens near the part: a box around it with room for the closing and the edge.
  const reach = 2 * closeRadius;
  const box = growBox(candidate.box, reach + 2, width, height);
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const part = largestComponent(open(crop(candidate.mask, width, box), w, h, openRadius), w, h);
  if (!part || part.area < MIN_PART_FRACTION * n) throw noPart();
  const body = fillHoles(close(part.mask, w, h, closeRadius), w, h);
  const stageNear = crop(onStage, width, box);
  const undecided = new Uint8Array(w * h);
  for (let i = 0; i < undecided.length; i++) undecided[i] = body[i] || stageNear[i] ? 0 : 1;
  const edge = reachedFirst(body, stageNear, undecided, w, h, reach);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = body[i] || edge[i] ? 255 : 0;
  return uncrop(mask, box, width, height);
}
