// What an artifact previews as, from its name; and CSV read into rows for the table preview.
export type PreviewKind = 'image' | 'csv' | 'text' | 'none';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp']);
const CSV = new Set(['csv', 'tsv']);
const TEXT = new Set(['yaml', 'yml', 'json', 'txt', 'log', 'md', 'py', 'ts', 'js', 'toml', 'ini', 'cfg', 'xml', 'html', 'sh']);
/** Extension-less files MLflow writes (MLmodel) and similar, readable as text. */
const TEXT_NAMES = new Set(['MLmodel', 'requirements', 'LICENSE', 'README']);

/** Text previews stop here; bigger files are offered as a download. */
export const TEXT_PREVIEW_LIMIT = 2 * 1024 * 1024;

export function previewKind(path: string): PreviewKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return TEXT_NAMES.has(name) ? 'text' : 'none';
  const ext = name.slice(dot + 1).toLowerCase();
  if (IMAGE.has(ext)) return 'image';
  if (CSV.has(ext)) return 'csv';
  if (TEXT.has(ext)) return 'text';
  return 'none';
}

/** RFC 4180 fields (quotes, doubled quotes, newlines inside quotes); stops after `maxRows` rows. */
export function parseCsv(text: string, maxRows: number, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if ((field !== '' || row.length > 0) && rows.length < maxRows) rows.push([...row, field]);
  return rows;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
