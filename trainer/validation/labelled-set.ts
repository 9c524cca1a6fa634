// The images of one type folder to validate on, with their labels where the folder has them. Two layouts:
//   plain:          <type>/*.png                                   unlabelled (scores only)
//   MVTec/anomalib: <type>/good/*.png                              label 0
//                   <type>/<defect>/*.png                          label 1
//                   <type>/ground_truth/<defect>/<stem>_mask.png   the defect's pixels (255)
//                   <type>/unknown/*.png                           unlabelled
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isImageFile } from '../image/image.ts';

export const GOOD_DIR = 'good';
export const UNKNOWN_DIR = 'unknown';
export const GROUND_TRUTH_DIR = 'ground_truth';

export interface ValidationImage {
  file: string;
  /** Path relative to the type folder, '/'-separated: "scratch/000.png", or "000.png" in the plain layout. */
  name: string;
  /** 0 good, 1 defective, null unlabelled. */
  label: 0 | 1 | null;
  /** The defect folder of a defective image. */
  defect: string | null;
  /** ground_truth/<defect>/<stem>_mask.png; null for good and unlabelled images, and when the mask is missing. */
  maskFile: string | null;
}

export interface ListingProblem {
  file: string;
  reason: string;
}

export interface ValidationListing {
  /** Sorted by name. */
  images: ValidationImage[];
  problems: ListingProblem[];
}

export const maskNameOf = (image: string) => `${basename(image, extname(image))}_mask.png`;

async function entriesOf(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new Error(`${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Code-unit order: the same on every machine, whatever its locale. */
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const imageNames = (entries: Awaited<ReturnType<typeof entriesOf>>) => entries.filter((e) => e.isFile() && isImageFile(e.name)).map((e) => e.name);

/**
 * Lists a type folder. A defective image without its mask keeps label 1 (it still counts for image metrics)
 * with maskFile null and a problem line; a mask without its image is a problem line too.
 */
export async function listValidationImages(typeDir: string): Promise<ValidationListing> {
  const entries = await entriesOf(typeDir);
  const images: ValidationImage[] = imageNames(entries).map((name) => ({ file: join(typeDir, name), name, label: null, defect: null, maskFile: null }));
  const problems: ListingProblem[] = [];
  const folders = entries.filter((e) => e.isDirectory() && e.name !== GROUND_TRUTH_DIR).map((e) => e.name);
  // A missing ground_truth/ folder is no error: its masks are reported missing one by one.
  const optionalEntries = (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);

  for (const folder of folders) {
    const dir = join(typeDir, folder);
    const names = imageNames(await entriesOf(dir));
    if (folder === GOOD_DIR || folder === UNKNOWN_DIR) {
      const label = folder === GOOD_DIR ? 0 : null;
      for (const name of names) images.push({ file: join(dir, name), name: `${folder}/${name}`, label, defect: null, maskFile: null });
      continue;
    }
    const masks = new Set(imageNames(await optionalEntries(join(typeDir, GROUND_TRUTH_DIR, folder))));
    const matched = new Set<string>();
    for (const name of names) {
      const file = join(dir, name);
      const mask = maskNameOf(name);
      const found = masks.has(mask);
      matched.add(mask);
      images.push({ file, name: `${folder}/${name}`, label: 1, defect: folder, maskFile: found ? join(typeDir, GROUND_TRUTH_DIR, folder, mask) : null });
      if (!found) problems.push({ file, reason: `no ground-truth mask (expected ${GROUND_TRUTH_DIR}/${folder}/${mask}); pixel metrics leave this image out` });
    }
    for (const mask of [...masks].filter((m) => !matched.has(m))) problems.push({ file: join(typeDir, GROUND_TRUTH_DIR, folder, mask), reason: `mask without an image in ${folder}/` });
  }
  for (const defect of (await optionalEntries(join(typeDir, GROUND_TRUTH_DIR))).filter((e) => e.isDirectory() && !folders.includes(e.name))) {
    problems.push({ file: join(typeDir, GROUND_TRUTH_DIR, defect.name), reason: `masks for "${defect.name}", but there is no ${defect.name}/ image folder` });
  }

  images.sort((a, b) => order(a.name, b.name));
  return { images, problems: problems.sort((a, b) => order(a.file, b.file)) };
}
