// Background removal by a segmentation network: @imgly/background-removal-node (ONNX models shipped inside
// the package, run by onnxruntime on the CPU). It looks for salient objects, not for a stage, so on a
// back-lit stage it may keep the lit disc as well as the part; it is slow (seconds per image, ~1.7 GB).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Image } from '../../image/image.ts';
import { BackgroundRemovalError } from './errors.ts';
import type { RemoveBackgroundOptions } from './options.ts';

const PACKAGE = '@imgly/background-removal-node';

type Imgly = typeof import('@imgly/background-removal-node');

async function loadImgly(): Promise<{ imgly: Imgly; publicPath: string }> {
  try {
    const imgly = await import(PACKAGE);
    // The package finds its model files relative to the working directory unless told where they are.
    const publicPath = pathToFileURL(`${dirname(createRequire(import.meta.url).resolve(PACKAGE))}/`).href;
    return { imgly, publicPath };
  } catch (err) {
    throw new BackgroundRemovalError(`method ml needs ${PACKAGE}, which did not load: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The network's foreground (alpha > 127) as a 0/255 mask. */
export async function mlMask(image: Image, model: RemoveBackgroundOptions['ml_model']): Promise<Uint8Array> {
  const { imgly, publicPath } = await loadImgly();
  const { width, height, channels, data } = image;
  // The package decodes with sharp and reads 4 bytes per pixel: hand it RGBA.
  const png = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } })
    .toColourspace('srgb')
    .ensureAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
  // Raw RGBA out, alpha = the network's foreground probability. (Its 'image/x-alpha8' output throws in
  // 1.4.5, and segmentForeground's RGBA output is shifted by three bytes.)
  const rgba = await imgly.removeBackground(new Blob([png], { type: 'image/png' }), {
    model,
    publicPath,
    output: { format: 'image/x-rgba8', quality: 1 },
  });
  const values = new Uint8Array(await rgba.arrayBuffer());
  if (values.length !== 4 * width * height) {
    throw new BackgroundRemovalError(`the ${model} network returned ${values.length / 4} pixels for a ${width}x${height} image`);
  }
  const mask = new Uint8Array(width * height);
  let found = 0;
  for (let i = 0; i < mask.length; i++) {
    if (values[4 * i + 3]! > 127) {
      mask[i] = 255;
      found++;
    }
  }
  if (!found) throw new BackgroundRemovalError(`no foreground: the ${model} network found nothing in the image`);
  return mask;
}
