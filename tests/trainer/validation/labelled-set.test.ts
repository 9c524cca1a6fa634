import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listValidationImages } from '../../../trainer/validation/labelled-set.ts';

/** A folder with the given (empty) files: the listing only looks at names. */
function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixal-labelled-'));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), '');
  }
  return dir;
}

describe('listValidationImages', () => {
  it('reads the MVTec AD layout: good, defect folders with their masks, unknown; ground_truth is no class', async () => {
    const dir = folder([
      'good/001.png',
      'good/000.png',
      'scratch/000.png',
      'scratch/001.jpg',
      'ground_truth/scratch/000_mask.png',
      'ground_truth/scratch/001_mask.png',
      'particle/000.png',
      'ground_truth/particle/000_mask.png',
      'unknown/x.png',
      'good/notes.txt',
    ]);
    const { images, problems } = await listValidationImages(dir);
    expect(problems).toEqual([]);
    expect(images.map((i) => [i.name, i.label, i.defect, i.maskFile && i.maskFile.slice(dir.length + 1)])).toEqual([
      ['good/000.png', 0, null, null],
      ['good/001.png', 0, null, null],
      ['particle/000.png', 1, 'particle', 'ground_truth/particle/000_mask.png'],
      ['scratch/000.png', 1, 'scratch', 'ground_truth/scratch/000_mask.png'],
      ['scratch/001.jpg', 1, 'scratch', 'ground_truth/scratch/001_mask.png'],
      ['unknown/x.png', null, null, null],
    ]);
    expect(images[0]!.file).toBe(join(dir, 'good', '000.png'));
  });

  it('keeps a defective image without its mask (label 1, no mask) and reports it, and masks without images', async () => {
    const dir = folder(['good/000.png', 'cut/000.png', 'cut/001.png', 'ground_truth/cut/001_mask.png', 'ground_truth/cut/007_mask.png', 'ground_truth/dent/000_mask.png']);
    const { images, problems } = await listValidationImages(dir);
    expect(images.find((i) => i.name === 'cut/000.png')).toMatchObject({ label: 1, defect: 'cut', maskFile: null });
    expect(images.find((i) => i.name === 'cut/001.png')!.maskFile).toBe(join(dir, 'ground_truth/cut/001_mask.png'));
    expect(problems.map((p) => [p.file.slice(dir.length + 1), p.reason])).toEqual([
      ['cut/000.png', 'no ground-truth mask (expected ground_truth/cut/000_mask.png); pixel metrics leave this image out'],
      ['ground_truth/cut/007_mask.png', 'mask without an image in cut/'],
      ['ground_truth/dent', 'masks for "dent", but there is no dent/ image folder'],
    ]);
  });

  it('reads plain images as unlabelled, and lists nothing for an empty folder', async () => {
    const dir = folder(['b.jpg', 'a.png', '.hidden.png', 'readme.md']);
    const { images, problems } = await listValidationImages(dir);
    expect(images).toEqual([
      { file: join(dir, 'a.png'), name: 'a.png', label: null, defect: null, maskFile: null },
      { file: join(dir, 'b.jpg'), name: 'b.jpg', label: null, defect: null, maskFile: null },
    ]);
    expect(problems).toEqual([]);
    expect(await listValidationImages(folder([]))).toEqual({ images: [], problems: [] });
  });

  it('names a folder it cannot list', async () => {
    await expect(listValidationImages('/nonexistent/front')).rejects.toThrow('/nonexistent/front: cannot list the folder (ENOENT)');
  });
});
