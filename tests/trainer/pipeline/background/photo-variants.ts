// The real flex photo with rembg's reference mask, and transformed copies of both (exposure, white
// balance, rotation, sensor noise, resolution), for the background tests and bench/background/run.ts.
import sharp, { type Sharp } from 'sharp';
import { readImage, type Image } from '../../../../trainer/image/image.ts';

export const RAW_PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_raw.jpg';
export const REMBG_OUTPUT = '/work/shared/data/pixal-sample/flex_f1_front_rembg.png';

export interface PhotoVariant {
  name: string;
  image: Image;
  /** rembg's alpha > 127, transformed like the image (0/1 per pixel). */
  reference: Uint8Array;
}

/** rembg's foreground: alpha > 127. */
export function alphaMask(rgba: Image): Uint8Array {
  const mask = new Uint8Array(rgba.width * rgba.height);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba.data[4 * i + 3]! > 127 ? 1 : 0;
  return mask;
}

function perChannel(image: Image, gains: [number, number, number]): Image {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.round(image.data[i]! * gains[i % 3]!));
  return { ...image, data };
}

/** Gaussian noise of standard deviation `sigma` per channel, from a seeded generator (reproducible). */
function noisy(image: Image, sigma: number, seed: number): Image {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    data[i] = Math.min(255, Math.max(0, Math.round(image.data[i]! + sigma * gaussian)));
  }
  return { ...image, data };
}

async function raw(pipeline: Sharp, channels: 1 | 3): Promise<Image> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function toSharp(image: Image): Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
}

/** Rotated by `degrees` on a black canvas large enough for the whole image (the mask alike). */
async function rotated(image: Image, mask: Uint8Array, degrees: number): Promise<[Image, Uint8Array]> {
  const rotatedImage = await raw(toSharp(image).rotate(degrees, { background: '#000000' }), 3);
  const maskImage: Image = { width: image.width, height: image.height, channels: 1, data: mask.map((v) => v * 255) };
  const rotatedMask = await raw(toSharp(maskImage).rotate(degrees, { background: '#000000' }).extractChannel(0), 1);
  return [rotatedImage, rotatedMask.data.map((v) => (v > 127 ? 1 : 0))];
}

/** Half the width and height (area averaging), the mask alike. */
async function halved(image: Image, mask: Uint8Array): Promise<[Image, Uint8Array]> {
  const width = Math.round(image.width / 2);
  const height = Math.round(image.height / 2);
  const small = await raw(toSharp(image).resize(width, height, { kernel: 'linear' }), 3);
  const maskImage: Image = { width: image.width, height: image.height, channels: 1, data: mask.map((v) => v * 255) };
  const smallMask = await raw(toSharp(maskImage).resize(width, height, { kernel: 'linear' }).extractChannel(0), 1);
  return [small, smallMask.data.map((v) => (v > 127 ? 1 : 0))];
}

export async function realPhoto(): Promise<PhotoVariant> {
  return { name: 'original', image: await readImage(RAW_PHOTO), reference: alphaMask(await readImage(REMBG_OUTPUT, 4)) };
}

/** The original and its transformed copies. */
export async function photoVariants(): Promise<PhotoVariant[]> {
  const { image, reference } = await realPhoto();
  const [rotatedImage, rotatedMask] = await rotated(image, reference, 3);
  const [halfImage, halfMask] = await halved(image, reference);
  return [
    { name: 'original', image, reference },
    { name: 'exposure x0.6', image: perChannel(image, [0.6, 0.6, 0.6]), reference },
    { name: 'exposure x1.3', image: perChannel(image, [1.3, 1.3, 1.3]), reference },
    { name: 'white balance cool (R x0.85, B x1.2)', image: perChannel(image, [0.85, 1, 1.2]), reference },
    { name: 'white balance warm (R x1.1, B x0.8)', image: perChannel(image, [1.1, 1, 0.8]), reference },
    { name: 'rotated 3°', image: rotatedImage, reference: rotatedMask },
    { name: 'noise sigma 8', image: noisy(image, 8, 7), reference },
    { name: 'half resolution', image: halfImage, reference: halfMask },
  ];
}
