// The built dashboard (web/dist) at `/`: files as they are, hashed /assets/* cached for a year,
// and index.html for every other page path so the client's router can take it. Without a build,
// a short page says how to make one. API paths never reach here: they are answered (or refused
// with MLflow's JSON 404) by their own routes.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/** web/dist of this checkout, wherever the server was started from. */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const API_PATH = /^\/(api|ajax-api|get-artifact|model-versions\/get-artifact|health|version)(\/|$)/i;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pixal: dashboard not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>The dashboard is not built yet</h1>
<p>The tracking server is running (MLflow REST API under <code>/api/2.0/mlflow</code>), but <code>web/dist</code> is missing.
Build the web app once with</p>
<pre>npm run build:web</pre>
<p>then reload this page.</p>
</body></html>`;

/**
 * The decoded path of a page or file of the app, or undefined: API paths however spelt (case,
 * escapes, doubled slashes, dot segments) stay with the API's routes, which answer or refuse them.
 */
function pagePath(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || /\/\/|\/\.\.?(\/|$)/.test(decoded) || API_PATH.test(decoded)) return undefined;
  return decoded;
}

async function fileIn(root: string, decoded: string): Promise<string | undefined> {
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? file : undefined;
}

async function send(c: Context, file: string, cacheControl: string): Promise<Response> {
  const body = await readFile(file);
  return c.body(body, 200, { 'Content-Type': getMimeType(file) ?? 'application/octet-stream', 'Cache-Control': cacheControl });
}

export function staticWeb(app: Hono, root = WEB_DIST): void {
  app.get('*', async (c, next) => {
    const path = pagePath(c.req.path);
    if (path === undefined) return next();
    const index = join(root, 'index.html');
    if (!(await stat(index).catch(() => undefined))) return c.html(MISSING_BUILD, 503, { 'Cache-Control': 'no-store' });
    const file = path === '/' ? undefined : await fileIn(root, path);
    if (file) return send(c, file, path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
    // A missing hashed asset is an error (an old page after a rebuild), not a page of the app.
    if (path.startsWith('/assets/')) return next();
    return send(c, index, 'no-cache');
  });
}
