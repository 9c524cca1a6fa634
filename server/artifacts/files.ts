// The artifact store on disk. Paths arrive already checked by paths.ts. Uploads stream into a
// hidden temporary file beside their target and are renamed into place, so a reader never sees a
// half-written artifact; downloads stream from disk.
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidParameter, notFound } from '../http/errors.ts';
import { resolvesInside } from './paths.ts';

/** Uploads in progress; never listed. */
const UPLOAD_PREFIX = '.pixal-upload-';

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/**
 * The entries of a directory, sorted by name, with `path` = `prefix/name`. A missing path or a
 * file gives no entries, as in MLflow. Symlinks are followed only where they stay inside the root.
 */
export async function listDirectory(realRoot: string, dir: string, prefix: string): Promise<FileInfo[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const infos: FileInfo[] = [];
  for (const e of entries) {
    if (e.name.startsWith(UPLOAD_PREFIX)) continue;
    const full = join(dir, e.name);
    if (e.isSymbolicLink() && !(await resolvesInside(realRoot, full))) continue;
    const s = await stat(full).catch(() => undefined);
    if (!s) continue;
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    infos.push(s.isDirectory() ? { path, is_dir: true } : { path, is_dir: false, file_size: s.size });
  }
  return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A readable stream of an artifact file, with its size; 404/400 as MLflow answers. */
export async function openArtifact(file: string, logicalPath: string): Promise<{ stream: ReadStream; size: number }> {
  const s = await stat(file).catch(() => undefined);
  if (!s) throw notFound(`No such artifact: '${logicalPath}'`);
  if (s.isDirectory()) throw invalidParameter(`Artifact path refers to a directory, not a file: '${logicalPath}'`);
  return { stream: createReadStream(file), size: s.size };
}

/** Writes a request body to `file`, creating its folders; the file appears whole or not at all. */
export async function writeArtifact(file: string, body: Readable): Promise<void> {
  const dir = dirname(file);
  try {
    await mkdir(dir, { recursive: true });
  } catch {
    throw invalidParameter(`Invalid path: a parent of '${basename(file)}' is a file`);
  }
  if ((await lstat(file).catch(() => undefined))?.isDirectory()) throw invalidParameter(`Artifact path refers to a directory, not a file: '${basename(file)}'`);
  const temp = join(dir, `${UPLOAD_PREFIX}${randomUUID()}`);
  try {
    await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Removes a file or a whole folder; a missing path is fine. */
export async function deleteArtifact(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
