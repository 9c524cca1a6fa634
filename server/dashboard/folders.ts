// Folders on the server's machine, for choosing the images a validation job reads: sub-folders
// first, each with the number of images it holds. Hidden entries are left out.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { invalidParameter } from '../http/errors.ts';

/** The extensions `pixal` reads (trainer/image/image.ts IMAGE_EXTENSIONS; the server may not import the trainer). */
const IMAGE_FILE = /\.(png|jpe?g|webp|tiff?|bmp)$/i;

export interface FolderEntry {
  name: string;
  path: string;
  is_dir: boolean;
  /**
   * Images in a folder and its sub-folders down to a component's layout (<type>/<good|defect>/image), masks under
   * ground_truth/ not counted; 1 for an image file, 0 for any other file.
   */
  images: number;
  /** True when counting stopped at its budget: `images` is then a lower bound. */
  images_capped: boolean;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: FolderEntry[];
}

const visible = (name: string) => !name.startsWith('.');

/** How deep image counting looks: a component folder holds <type>/<good|defect|unknown>/<image>. */
const COUNT_DEPTH = 3;
/** Ground-truth masks sit beside the images in the MVTec AD layout; they are not images to validate. */
const MASK_FOLDER = 'ground_truth';

/** Entries one count may visit, so a folder like node_modules answers at once (the count is then a lower bound). */
const COUNT_BUDGET = 1000;

async function imagesUnder(dir: string, budget = { left: COUNT_BUDGET }, depth = COUNT_DEPTH): Promise<number> {
  const dirents = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  let count = 0;
  for (const entry of dirents.filter((d) => visible(d.name))) {
    if (--budget.left < 0) break;
    if (IMAGE_FILE.test(entry.name) && !entry.isDirectory()) count++;
    else if (depth > 1 && entry.name !== MASK_FOLDER && (await isDirectory(dir, entry))) count += await imagesUnder(join(dir, entry.name), budget, depth - 1);
  }
  return count;
}

async function folderEntry(name: string, full: string): Promise<FolderEntry> {
  const budget = { left: COUNT_BUDGET };
  const images = await imagesUnder(full, budget);
  return { name, path: full, is_dir: true, images, images_capped: budget.left < 0 };
}

/** A symlink counts as what it points at; a broken one is left out. */
async function isDirectory(dir: string, entry: Dirent): Promise<boolean | undefined> {
  if (!entry.isSymbolicLink()) return entry.isDirectory();
  return (await stat(join(dir, entry.name)).catch(() => undefined))?.isDirectory();
}

export async function listFolder(raw: string): Promise<FolderListing> {
  const path = resolve(raw);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw invalidParameter(`Folder '${path}' does not exist on the server's machine`);
  if (!info.isDirectory()) throw invalidParameter(`'${path}' is not a folder`);
  let dirents: Dirent[];
  try {
    dirents = await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw invalidParameter(`Folder '${path}' cannot be read: ${(err as Error).message}`);
  }
  const entries: FolderEntry[] = [];
  for (const entry of dirents.filter((d) => visible(d.name))) {
    const full = join(path, entry.name);
    const isDir = await isDirectory(path, entry);
    if (isDir === undefined) continue;
    entries.push(isDir ? await folderEntry(entry.name, full) : { name: entry.name, path: full, is_dir: false, images: IMAGE_FILE.test(entry.name) ? 1 : 0, images_capped: false });
  }
  entries.sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.name.localeCompare(b.name));
  const parent = dirname(path);
  return { path, parent: parent === path ? null : parent, entries };
}
