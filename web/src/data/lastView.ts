// The nav remembers each page's last query (selected experiment, filter, compared runs), so leaving a
// view and coming back restores it; the URL itself stays the source of truth.
const last = new Map<string, string>();

export function rememberView(path: string, search: string): void {
  last.set(path, search);
}

export function lastViewOf(path: string): string {
  const search = last.get(path);
  return search ? `${path}${search.startsWith('?') ? search : `?${search}`}` : path;
}
