// GET /api/pixal/folders on a real server: folders first with their image counts, hidden entries
// left out, the parent, the server's working directory by default, and a clear 400 otherwise.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderListing } from '../../../server/dashboard/folders.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';

let d: Dashboard;
let root: string;

beforeAll(async () => {
  d = await startDashboard();
  root = join(d.dir, 'images');
  for (const type of ['front', 'back', '.cache']) mkdirSync(join(root, 'flex', type), { recursive: true });
  for (const name of ['a.png', 'b.JPG', 'c.tiff', 'notes.txt', '.hidden.png']) writeFileSync(join(root, 'flex', 'front', name), '');
  // The MVTec AD layout: images one level down, masks under ground_truth/ (not counted).
  for (const folder of ['good', 'scratch', 'ground_truth/scratch']) mkdirSync(join(root, 'flex', 'mvtec', folder), { recursive: true });
  for (const file of ['good/000.png', 'good/001.png', 'scratch/000.png', 'ground_truth/scratch/000_mask.png']) writeFileSync(join(root, 'flex', 'mvtec', file), '');
  mkdirSync(join(root, 'flex', 'big'));
  for (let i = 0; i < 1100; i++) writeFileSync(join(root, 'flex', 'big', `${1000 + i}.txt`), '');
  writeFileSync(join(root, 'flex', 'back', 'x.bmp'), '');
  writeFileSync(join(root, 'flex', 'overview.webp'), '');
  writeFileSync(join(root, 'flex', 'README'), '');
  symlinkSync(join(root, 'flex', 'front'), join(root, 'flex', 'linked'));
  symlinkSync(join(root, 'nowhere'), join(root, 'flex', 'broken'));
});
afterAll(async () => d?.close());

describe('folders', () => {
  it('lists folders first, with the images each holds (masks not counted; large folders counted up to a budget)', async () => {
    const listing = ok<FolderListing>(await d.get('/api/pixal/folders', { path: join(root, 'flex') }));
    expect(listing.path).toBe(join(root, 'flex'));
    expect(listing.parent).toBe(root);
    expect(listing.entries).toEqual([
      { name: 'back', path: join(root, 'flex', 'back'), is_dir: true, images: 1, images_capped: false },
      { name: 'big', path: join(root, 'flex', 'big'), is_dir: true, images: 0, images_capped: true },
      { name: 'front', path: join(root, 'flex', 'front'), is_dir: true, images: 3, images_capped: false },
      { name: 'linked', path: join(root, 'flex', 'linked'), is_dir: true, images: 3, images_capped: false },
      { name: 'mvtec', path: join(root, 'flex', 'mvtec'), is_dir: true, images: 3, images_capped: false },
      { name: 'overview.webp', path: join(root, 'flex', 'overview.webp'), is_dir: false, images: 1, images_capped: false },
      { name: 'README', path: join(root, 'flex', 'README'), is_dir: false, images: 0, images_capped: false },
    ]);
  });

  it('starts at the working directory and stops at the root', async () => {
    const here = ok<FolderListing>(await d.get('/api/pixal/folders'));
    expect(here.path).toBe(process.cwd());
    expect(here.parent).toBe(dirname(process.cwd()));
    expect(ok<FolderListing>(await d.get('/api/pixal/folders', { path: '/' })).parent).toBeNull();
  });

  it('names a path that is missing or not a folder', async () => {
    const missing = await d.get('/api/pixal/folders', { path: join(root, 'gone') });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: `Folder '${join(root, 'gone')}' does not exist on the server's machine` });
    const file = await d.get('/api/pixal/folders', { path: join(root, 'flex', 'README') });
    expect(file.status).toBe(400);
    expect(file.json.message).toBe(`'${join(root, 'flex', 'README')}' is not a folder`);
  });
});
