// `pixal sweep -i <component>/ --grid key=v1,v2 ...`: preprocessing and training for every grid point, each
// point's runs nested under one parent run. Every point's config is validated before any work starts.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { loadConfig } from '../../config/load.ts';
import { collect, existingDir, pipelineSettings, positiveInt } from '../pipeline-options.ts';
import { withTrainOptions, type TrainFlags } from './train.ts';

interface SweepFlags extends TrainFlags {
  input: string;
  grid: string[];
  workers?: number;
}

export function registerSweepCommand(program: Command): void {
  withTrainOptions(
    program
      .command('sweep')
      .description('Train over a grid of preprocessing and training choices: one child run per point under a parent run')
      .requiredOption('-i, --input <component>', 'component folder of raw images: one sub-folder per type (as for preprocess)')
      .option('--grid <section.key=v1,v2>', 'a config key and its values (YAML each, commas inside [..] kept), e.g. preprocessing.preprocessor.channels=RGB,HSV,LAB_ab (repeatable: the grid is their product)', collect, [])
      .option('-j, --workers <n>', `worker threads for preprocessing (default: the ${availableParallelism()} cores)`, positiveInt),
  ).action(async (flags: SweepFlags) => {
    const settings = pipelineSettings(flags);
    const componentDir = existingDir('-i', flags.input);
    const { gridPoints, parseGrid, withFittedWeights, pointLabel } = await import('../../sweep/grid.ts');
    const axes = parseGrid(flags.grid);
    const points = gridPoints(axes).map((point, index) => {
      const fitted = withFittedWeights(point, settings.config);
      try {
        return { index, point: fitted, config: loadConfig({ files: flags.config, sets: [...flags.set, ...fitted.sets] }) };
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(err.problems.map((line) => `grid point ${pointLabel(point)}: ${line}`));
        throw err;
      }
    });

    const { startTraining } = await import('../training-session.ts');
    const { checkTrainable } = await import('../../runs/train-units.ts');
    const { runSweep, sweepSummary } = await import('../../sweep/sweep.ts');
    const { WorkerPool } = await import('../../pipeline/workers/pool.ts');
    const session = await startTraining({ config: settings.config, device: flags.device, quiet: flags.quiet });
    const pool = new WorkerPool(flags.workers ?? settings.workers);
    try {
      for (const p of points) checkTrainable(p.config, session.backend);
      const experiment = await session.experiment(flags.experiment);
      const tracking = await session.tracking();
      const outcome = await runSweep({
        client: tracking.client,
        experimentId: experiment.experimentId,
        trainer: session,
        componentDir,
        component: basename(componentDir),
        ...(flags.types ? { types: flags.types } : {}),
        axes,
        points,
        paths: settings.paths,
        pool,
        reporter: settings.reporter,
        onPoint: (line) => flags.quiet || console.error(line),
      }).finally(() => settings.reporter.close());
      console.log(sweepSummary(outcome).join('\n'));
      process.exitCode = outcome.status === 'FINISHED' ? 0 : outcome.status === 'KILLED' ? 130 : 1;
    } finally {
      await pool.close();
      await session.close();
    }
  });
}
