// Paging as MLflow's SQL store does it: page tokens are base64 of `{"offset": N}`, parsed with its
// checks and messages (SearchUtils.parse_start_offset_from_page_token), and page sizes are bounded.
import { invalidParameter } from '../http/errors.ts';
import { pyBytesRepr, pyValueRepr } from '../http/python-format.ts';

export function createPageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');
}

/** Python's lenient b64decode: characters outside the alphabet are dropped, padding is required. */
function base64Decode(token: string): Buffer | null {
  const cleaned = token.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = cleaned.replace(/=+$/, '');
  if (data.includes('=') || data.length % 4 === 1 || (data.length % 4 !== 0 && cleaned.length % 4 !== 0)) return null;
  return Buffer.from(data, 'base64');
}

/** The offset a page token stands for; 0 when there is none. */
export function parsePageToken(token: string | undefined): number {
  if (!token) return 0;
  const decoded = base64Decode(token);
  if (decoded === null) throw invalidParameter('Invalid page token, could not base64-decode');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded.toString('utf8'));
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${pyBytesRepr(decoded)}`);
  }
  const offset = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).offset : undefined;
  if (!offset) throw invalidParameter(`Invalid page token, parsed value=${pyValueRepr(parsed)}`);
  const n = typeof offset === 'number' ? Math.trunc(offset) : typeof offset === 'string' && /^\s*[+-]?\d+\s*$/.test(offset) ? Number(offset) : Number.NaN;
  if (!Number.isFinite(n)) throw invalidParameter(`Invalid page token, not stringable ${typeof offset === 'string' ? offset : pyValueRepr(offset)}`);
  return n;
}

export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;

/** MLflow's `_validate_max_results_param`. */
export function validateMaxResults(maxResults: number): void {
  if (maxResults < 1) throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD)
    throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}`);
}
