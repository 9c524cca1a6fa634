// A run's artifacts, moved through the tracking server's artifact proxy (`mlflow-artifacts:/`):
// one PUT per file up, one GET per file down, listings one directory at a time.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ARTIFACTS_API, type RequestBody, type Transport } from './http.ts';
import { fileInfoSchema, type FileInfo } from './types.ts';
import { artifactRoutePath, joinArtifactPath, proxiedArtifactPath } from './uris.ts';

const listSchema = z.object({ files: z.array(fileInfoSchema).default([]) });

/** Files moved at once when a directory goes up or down. */
const CONCURRENCY = 4;

async function inPool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return found.sort();
}

/** The artifacts under one location (a run's `artifact_uri`, or a model version's download URI). */
export class ArtifactRepository {
  /** The location's path inside the server's artifact store. */
  private readonly root: string;

  constructor(
    private readonly http: Transport,
    readonly location: string,
  ) {
    this.root = proxiedArtifactPath(location);
  }

  /** Uploads one file as `<artifactPath>/<its name>` (or at the root). */
  async logFile(localPath: string, artifactPath?: string): Promise<void> {
    await this.put(localPath, joinArtifactPath(artifactPath, basename(localPath)));
  }

  /** Uploads every file under `localDir`, keeping its tree, under `artifactPath` (or at the root). */
  async logDirectory(localDir: string, artifactPath?: string): Promise<void> {
    const files = await filesUnder(localDir);
    await inPool(files, (file) => this.put(join(localDir, file), joinArtifactPath(artifactPath, file)));
  }

  /** The entries directly under `path` (the root when omitted), with paths relative to the location. */
  async list(path?: string): Promise<FileInfo[]> {
    const dir = joinArtifactPath(path);
    const { files } = await this.http.json({ method: 'GET', path: ARTIFACTS_API, query: { path: joinArtifactPath(this.root, dir) } }, listSchema);
    return files.map((f) => ({ ...f, path: joinArtifactPath(dir, basename(f.path)) }));
  }

  /** Every file under `path`, recursively. */
  async listFiles(path?: string): Promise<FileInfo[]> {
    const files: FileInfo[] = [];
    for (const entry of await this.list(path)) {
      if (entry.isDir) files.push(...(await this.listFiles(entry.path)));
      else files.push(entry);
    }
    return files;
  }

  /** Downloads one file to `<dstDir>/<path>`; returns that local path. */
  async downloadFile(path: string, dstDir: string): Promise<string> {
    const artifactPath = joinArtifactPath(path);
    const target = join(dstDir, ...artifactPath.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const res = await this.http.send({ method: 'GET', path: artifactRoutePath(joinArtifactPath(this.root, artifactPath)), timeoutMs: this.http.config.artifactTimeoutMs });
    // Written beside the target and renamed, so a broken transfer never leaves a truncated file in place.
    const partial = `${target}.partial-${process.pid}`;
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(partial));
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return target;
  }

  /** Downloads the tree under `path` to `<dstDir>/<path>`; returns that local directory. */
  async downloadDirectory(path: string, dstDir: string): Promise<string> {
    const artifactPath = joinArtifactPath(path);
    const target = join(dstDir, ...artifactPath.split('/').filter(Boolean));
    await mkdir(target, { recursive: true });
    await inPool(await this.listFiles(artifactPath), async (file) => {
      await this.downloadFile(file.path, dstDir);
    });
    return target;
  }

  /** Downloads `path`, a directory or a file (a directory is what has entries under it). */
  async download(path: string, dstDir: string): Promise<string> {
    const isDirectory = joinArtifactPath(path) === '' || (await this.list(path)).length > 0;
    return isDirectory ? this.downloadDirectory(path, dstDir) : this.downloadFile(path, dstDir);
  }

  private async put(localPath: string, artifactPath: string): Promise<void> {
    const { size } = await stat(localPath);
    const res = await this.http.send({
      method: 'PUT',
      path: artifactRoutePath(joinArtifactPath(this.root, artifactPath)),
      body: () => ({ data: Readable.toWeb(createReadStream(localPath)) as unknown as RequestBody, length: size }),
      timeoutMs: this.http.config.artifactTimeoutMs,
    });
    await res.arrayBuffer(); // frees the connection for the next file
  }
}
