// Artifact paths from requests, made safe before any file is touched: MLflow's
// `validate_path_is_safe` (decode until stable, no `..`, nothing absolute), stricter on backslashes
// and control characters, then a check that symlinks do not lead out of the artifact root.
import { lstat, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { invalidParameter } from '../http/errors.ts';
import { unquote } from './uri.ts';

const invalidPath = () => invalidParameter('Invalid path');

/** Percent-decodes until the text stops changing, as MLflow's `_decode` does (at most 10 rounds). */
function decodeFully(text: string): string {
  for (let i = 0; i < 10; i++) {
    const next = unquote(text);
    if (next === text) return text;
    text = next;
  }
  throw invalidPath();
}

/**
 * A request's artifact path as a normalised relative path (`''` is the root), or 400 `Invalid path`
 * for `..` segments, absolute and drive paths, `file:` URIs, backslashes, `#` and control characters,
 * however many times they were percent-encoded.
 */
export function safeArtifactPath(raw: string): string {
  const path = decodeFully(raw);
  // eslint-disable-next-line no-control-regex
  if (/[#\\\u0000-\u001f\u007f]/.test(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path) || /^file:/i.test(path)) throw invalidPath();
  const segments = path.split('/');
  if (segments.includes('..')) throw invalidPath();
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

/** `child` joined onto `base`, both already safe relative paths. */
export function joinRelative(base: string, child: string): string {
  return [base, child].filter((p) => p !== '').join('/');
}

function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of a safe relative path under the root. Where the path (or, for a path still
 * to be created, its deepest existing ancestor) resolves through a symlink to somewhere outside the
 * root, 400 as MLflow's `validate_path_within_directory` answers.
 */
export async function resolveInRoot(realRoot: string, relative: string): Promise<string> {
  const target = relative === '' ? realRoot : join(realRoot, ...relative.split('/'));
  let probe = target;
  while (!(await exists(probe))) probe = dirname(probe);
  if (!(await resolvesInside(realRoot, probe))) throw invalidParameter('Invalid path: resolved path is outside the artifact directory');
  return target;
}

/** Whether a path (a symlink, say) really lies inside the root; false when it cannot be resolved. */
export async function resolvesInside(realRoot: string, path: string): Promise<boolean> {
  try {
    return isInside(realRoot, await realpath(path));
  } catch {
    return false;
  }
}
