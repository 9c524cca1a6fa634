// Folders on the server's machine, for choosing the images a validation job reads: sub-folders
// first, each with the number of images directly inside it. Hidden entries are left out.
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
  /** Images directly inside a folder; 1 for an image file, 0 for any other file. */
  images: number;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: FolderEntry[];
}

const visible = (name: string) => !name.startsWith('.');

async function imagesIn(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => visible(n) && IMAGE_FILE.test(n)).length;
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
    entries.push({ name: entry.name, path: full, is_dir: isDir, images: isDir ? await imagesIn(full) : IMAGE_FILE.test(entry.name) ? 1 : 0 });
  }
  entries.sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.name.localeCompare(b.name));
  const parent = dirname(path);
  return { path, parent: parent === path ? null : parent, entries };
}
