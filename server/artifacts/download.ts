// Artifact downloads as MLflow serves them: always an attachment (a browser never renders an
// artifact on the server's origin), no MIME sniffing, the type guessed from the file name.
import { Readable } from 'node:stream';
import { getMimeType } from 'hono/utils/mime';
import { openArtifact } from './files.ts';

/** MLflow serves these as text/plain (mlflow/utils/mime_type_utils.py). */
const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml',
  'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'ipynb', 'MLmodel', 'MLproject',
]);

export function mimeTypeOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const extension = dot > 0 ? filename.slice(dot + 1) : filename;
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return getMimeType(filename)?.split(';')[0] ?? 'application/octet-stream';
}

/** werkzeug's `quote_header_value`: bare when every character is a token character. */
function quoteHeaderValue(value: string): string {
  if (value === '') return '""';
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** RFC 5987 `filename*` value: UTF-8 bytes percent-encoded outside Python's `quote(safe="!#$&+-.^_`|~")`. */
function rfc5987(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~!#$&+^`|]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function contentDisposition(filename: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(filename)) return `attachment; filename=${quoteHeaderValue(filename)}`;
  // eslint-disable-next-line no-control-regex
  const fallback = filename.normalize('NFKD').replace(/[^\u0000-\u007f]/g, '') || 'download';
  return `attachment; filename=${quoteHeaderValue(fallback)}; filename*=UTF-8''${rfc5987(filename)}`;
}

/** A streamed download of `file`, whose store-relative path names it in errors and in the attachment. */
export async function artifactResponse(file: string, storePath: string): Promise<Response> {
  const { stream, size } = await openArtifact(file, storePath);
  const name = storePath.split('/').pop() ?? storePath;
  const type = mimeTypeOf(name);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Length': String(size),
      'Content-Disposition': contentDisposition(name),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
