// Browser test harness: builds the web app when its sources changed, starts the real server on an
// ephemeral port with a temporary store, and drives Debian's Chromium through playwright-core.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WEB_DIR = join(REPO_ROOT, 'web');
const DIST_INDEX = join(WEB_DIR, 'dist', 'index.html');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The flags measured to work here (DESIGN.md): no sandbox as root, no GPU, no network chatter. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Newest modification time of the web sources (everything under web/ but the build output). */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function webBuildIsStale(): boolean {
  return !existsSync(DIST_INDEX) || statSync(DIST_INDEX).mtimeMs < newestSourceMtime(WEB_DIR);
}

/** Several test workers may ask at once: one builds under a lock folder, the others wait for it. */
function withBuildLock(build: () => void): void {
  const lock = join(tmpdir(), `pixal-web-build-${basename(REPO_ROOT)}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed process.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`buildWeb: gave up waiting for the build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (webBuildIsStale()) build();
  } finally {
    rmdirSync(lock);
  }
}

let built = false;

/** Runs the vite build (once per process) when web/dist is missing or older than a file under web/. */
export function buildWeb(): void {
  if (built) return;
  if (!existsSync(join(WEB_DIR, 'vite.config.ts')) || !existsSync(join(WEB_DIR, 'index.html')))
    throw new Error('buildWeb: the web app is not there yet (web/vite.config.ts and web/index.html are missing); nothing to build');
  if (webBuildIsStale())
    withBuildLock(() => {
      try {
        // Vitest sets NODE_ENV=test, which would make vite emit React's development JSX calls into the bundle.
        const env = { ...process.env, NODE_ENV: 'production' };
        execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
        throw new Error(`buildWeb: vite build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
      }
    });
  if (!existsSync(DIST_INDEX)) throw new Error(`buildWeb: the build finished without ${DIST_INDEX}`);
  built = true;
}

export interface SeedContext {
  server: RunningServer;
  url: string;
}

export interface DashboardOptions<S> {
  /** Fills the fresh store before the page opens (through REST on `url`, or straight into `server.db`). */
  seed?: (ctx: SeedContext) => Promise<S>;
  /** Folder name under tests/output/browser/; default: the current vitest file's name without `.test.ts`. */
  outputName?: string;
  /** Skip the web build check (benches that built once already). Default false. */
  skipBuild?: boolean;
  viewport?: { width: number; height: number };
  /** Server options beyond the temporary store (a `mirror`, say). */
  serverOptions?: Partial<ServerOptions>;
}

export interface Dashboard<S> {
  server: RunningServer;
  url: string;
  browser: Browser;
  page: Page;
  /** What `seed` returned (ids of what it created). */
  seeded: S;
  /** Console errors and uncaught page errors seen so far, in order. */
  consoleErrors: string[];
  /** Saves a full-page PNG to tests/output/browser/<file>/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

async function currentTestFile(): Promise<string> {
  if (!process.env.VITEST) return 'adhoc';
  const { expect } = await import('vitest');
  const path = expect.getState().testPath;
  return path ? basename(path).replace(/\.test\.[cm]?[tj]sx?$/, '') : 'adhoc';
}

export async function startDashboard<S = undefined>(options: DashboardOptions<S> = {}): Promise<Dashboard<S>> {
  if (!options.skipBuild) buildWeb();
  const outputDir = join(REPO_ROOT, 'tests/output/browser', options.outputName ?? (await currentTestFile()));
  const dir = mkdtempSync(join(tmpdir(), 'pixal-browser-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'store.db')}`,
      artifactsDestination: join(dir, 'artifacts'),
      logLevel: 'silent',
      ...options.serverOptions,
    });
    cleanups.push(() => server.close());
    const seeded = (options.seed ? await options.seed({ server, url: server.url }) : undefined) as S;
    // launch() gives every browser a fresh temporary profile (user-data-dir), removed on close.
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
    return {
      server,
      url: server.url,
      browser,
      page,
      seeded,
      consoleErrors,
      screenshot: async (name) => {
        mkdirSync(outputDir, { recursive: true });
        const path = join(outputDir, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
