// MLflow's error messages embed Python's renderings of values (json.dumps, repr, str(float)).
// Clients and conformance tests compare those messages, so they are reproduced here.

/** `json.dumps(value, sort_keys=True, separators=(",", ":"))` with Python's ASCII escaping. */
export function pyJsonDumps(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? pyFloatOrInt(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pyJsonDumps(k)}:${pyJsonDumps(v)}`).join(',')}}`;
}

/** JSON numbers keep their int/float distinction in Python; JS has lost it, so integers print as ints. */
function pyFloatOrInt(n: number): string {
  return Number.isInteger(n) ? String(n) : pyFloat(n);
}

/** Python's `str(float)`: the shortest digits, scientific below 1e-4 and from 1e16: `1.0`, `1e-07`, `1e+16`. */
export function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const fixed = n.toFixed(Math.max(0, (mantissa.split('.')[1] ?? '').length - exponent));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's repr of a parsed JSON value (dicts and lists as Python prints them). */
export function pyValueRepr(value: unknown): string {
  if (typeof value === 'string') return pyRepr(value);
  if (typeof value === 'number') return pyFloatOrInt(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(pyValueRepr).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyRepr(k)}: ${pyValueRepr(v)}`)
    .join(', ')}}`;
}

/** Python's `repr(bytes)` of UTF-8 text: `b'foo'`, non-printable bytes as `\xNN`. */
export function pyBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (String.fromCharCode(b) === quote) out += `\\${quote}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `b${quote}${out}${quote}`;
}

/** Python's `len(str)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's `s[:limit]` by code points. */
export function pySlice(s: string, limit: number): string {
  return Array.from(s).slice(0, limit).join('');
}

/** `posixpath.normpath`. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const leading = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (leading === 0 && parts.length === 0) || (parts.length > 0 && parts[parts.length - 1] === '..')) parts.push(comp);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(leading) + parts.join('/');
  return joined === '' ? '.' : joined;
}
