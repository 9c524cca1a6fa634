// Vitest global setup: output folder for artifacts the tests keep (screenshots, plots).
import { mkdirSync } from 'node:fs';

export default function setup(): void {
  mkdirSync('tests/output', { recursive: true });
}
