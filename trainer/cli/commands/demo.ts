// `pixal demo`: the whole path on synthetic data in one command — a tracking server, a dataset, preprocessing
// with alignment and one MLflow run per image type — then the server keeps serving until Ctrl-C.
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../config/errors.ts';
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
    .description('Start the tracking server, make a synthetic dataset, preprocess it with alignment and log one MLflow run per image type; then keep serving')
    .option('--dir <dir>', 'folder for everything the demo writes: data/, out/, mlruns/', 'demo')
    .option('--port <port>', 'port of the tracking server (0: any free port)', '5000')
    .option('--host <host>', 'address the tracking server binds', '127.0.0.1')
    .option('--seed <n>', 'seed of the synthetic dataset', '1')
    .option('--size <WxH>', 'size of the synthetic images', '1920x1080')
    .option('--no-serve', 'stop once the runs are logged instead of serving until Ctrl-C')
    .option('--quiet', 'no progress bars or step lines; only problems and the summary')
    .action(async (flags: DemoFlags) => {
      const started = performance.now();
      const { DemoOptions } = await import('../../demo/options.ts');
      const parsed = DemoOptions.safeParse({ ...flags, quiet: flags.quiet ?? false });
      if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message), 'invalid flag');
      const options = parsed.data;

      const { openTracking } = await import('../../runs/tracking.ts');
      const { runDemo } = await import('../../demo/demo.ts');
      const { demoSummary } = await import('../../demo/summary.ts');
      const tracking = await openTracking(options);
      if (!options.quiet) console.error(tracking.local ? `pixal server listening on ${tracking.url}` : `logging to ${tracking.url} (MLFLOW_TRACKING_URI); no server started`);

      const reporter = createTerminalReporter({ quiet: options.quiet });
      const result = await runDemo(tracking, { ...options, reporter })
        .catch(async (err: unknown) => {
          await tracking.close();
          throw err;
        })
        .finally(() => reporter.close());
      console.log(demoSummary(result, tracking.url, (performance.now() - started) / 1000).join('\n'));
      process.exitCode = result.runs.some((r) => r.status === 'FINISHED') ? 0 : 1;

      if (!options.serve || !tracking.local) {
        await tracking.close();
        return;
      }
      console.log(`serving ${tracking.url} until Ctrl-C`);
      await nextSignal();
      // A second Ctrl-C does not wait for the first one's clean stop.
      void nextSignal().then(() => process.exit(130));
      console.error('pixal demo: stopping the server');
      await Promise.race([tracking.close(), sleep(STOP_GRACE_MS, undefined, { ref: false })]);
      process.exit();
    });
}
