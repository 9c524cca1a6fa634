// The package version, logged on every run as the `pixal.version` tag.
import { readFileSync } from 'node:fs';

export const PIXAL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
