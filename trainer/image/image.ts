// Decoded images as plain interleaved 8-bit buffers, read and written through sharp.
// Every pipeline step works on this type so steps stay pure and testable.
import sharp from 'sharp';
import { basename } from 'node:path';

export interface Image {
  width: number;
  height: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA), interleaved. */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

export class ImageReadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: cannot read image (${reason})`);
  }
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp'] as const;

export function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext)) && !basename(lower).startsWith('.');
}

/**
 * Reads an image file. `channels` 3 drops alpha (flattening nothing: the colour values are kept),
 * 4 adds an opaque alpha when the file has none. EXIF orientation is applied.
 * A corrupt or truncated file raises ImageReadError naming the file.
 */
export async function readImage(file: string, channels: 3 | 4 = 3): Promise<Image> {
  try {
    const pipeline = sharp(file, { failOn: 'truncated' }).rotate();
    const { data, info } = await (channels === 4 ? pipeline.ensureAlpha() : pipeline.removeAlpha()).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageReadError(file, err instanceof Error ? err.message : String(err));
  }
}

/** Writes a PNG (lossless; RGBA keeps a transparent background; one channel stays one-channel grey). */
export async function writePng(file: string, image: Image): Promise<void> {
  const encoder = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  // sharp would store one-channel input as RGB unless told the colour space is grey.
  await (image.channels === 1 ? encoder.toColourspace('b-w') : encoder).png({ compressionLevel: 6 }).toFile(file);
}
