// `pixal demo`: the whole path on synthetic data in one command — a tracking server with the dashboard, a
// dataset, a sweep over channels x pool size (a model per image type at each point), every model validated on
// labelled test images, the best of each type registered with the alias production — then the server keeps
// serving the dashboard until Ctrl-C.
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../config/errors.ts';
import { DEMO_SIZE, DemoOptions } from '../../demo/options.ts';
import { createTerminalReporter } from '../progress.ts';

interface DemoFlags {
  dir: string;
  port: string;
  host: string;
  seed: string;
  size: string;
  serve: boolean;
  quiet?: boolean;
}

/** How long a stop waits for open connections (a browser's, say) before leaving anyway. */
const STOP_GRACE_MS = 5000;

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Start the tracking server and dashboard, make a synthetic dataset, sweep channels (RGB, HSV, LAB_ab) x pool size (2, 4) with a model per image type, validate every model on labelled test images, register the best of each type with the alias production; then keep serving',
    )
    .option('--dir <dir>', 'folder for everything the demo writes: data/, out/, validate/, models/, mlruns/', 'demo')
    .option('--port <port>', 'port of the tracking server (0: any free port)', '5000')
    .option('--host <host>', 'address the tracking server binds', '127.0.0.1')
    .option('--seed <n>', 'seed of the synthetic dataset', '1')
    .option('--size <WxH>', 'size of the synthetic images', DEMO_SIZE)
    .option('--no-serve', 'stop once the runs are logged instead of serving until Ctrl-C')
    .option('--quiet', 'no progress bars or step lines; only problems and the summary')
    .action(async (flags: DemoFlags) => {
      const started = performance.now();
      const parsed = DemoOptions.safeParse({ ...flags, quiet: flags.quiet ?? false });
      if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message), 'invalid flag');
      const options = parsed.data;

      const { openTracking } = await import('../../runs/tracking.ts');
      const { initBackend } = await import('../../model/backend.ts');
      const { runDemo } = await import('../../demo/demo.ts');
      const { demoExitCode, demoSummary } = await import('../../demo/summary.ts');
      const { createTrainingProgress } = await import('../training-progress.ts');
      const say = (line: string) => {
        if (!options.quiet) console.error(line);
      };
      const tracking = await openTracking(options);
      say(
        tracking.local
          ? `pixal server listening on ${tracking.url}: open ${tracking.url}/ to watch the runs arrive`
          : `logging to ${tracking.url} (MLFLOW_TRACKING_URI); no server started`,
      );

      const result = await (async () => {
        const backend = await initBackend('cpu');
        if (backend.fallbackReason) console.error(`warning: native TensorFlow is not available (${backend.fallbackReason}); training on ${backend.name} (see \`pixal doctor\`)`);
        say(`backend: ${backend.name} on ${backend.device} (${backend.package} ${backend.version})`);
        return runDemo(tracking, {
          ...options,
          backend,
          openReporter: () => createTerminalReporter({ quiet: options.quiet }),
          progress: createTrainingProgress({ quiet: options.quiet }),
          say,
          onInterrupt: () => console.error('\nstopping after this batch (Ctrl-C again to quit at once)'),
        });
      })().catch(async (err: unknown) => {
        await tracking.close();
        throw err;
      });
      console.log(demoSummary(result, tracking, (performance.now() - started) / 1000).join('\n'));
      process.exitCode = demoExitCode(result);

      if (!options.serve || !tracking.local || result.interrupted) {
        await tracking.close();
        return;
      }
      console.log(`serving the dashboard at ${tracking.url}/ until Ctrl-C`);
      await nextSignal();
      // A second Ctrl-C does not wait for the first one's clean stop.
      void nextSignal().then(() => process.exit(130));
      console.error('pixal demo: stopping the server');
      await Promise.race([tracking.close(), sleep(STOP_GRACE_MS, undefined, { ref: false })]);
      process.exit();
    });
}
