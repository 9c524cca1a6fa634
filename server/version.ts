import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The package version, answered by /version and logged as the `pixal.version` tag. */
export const PIXAL_VERSION: string = pkg.version;
