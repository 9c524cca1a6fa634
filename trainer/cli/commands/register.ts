// `pixal register --run RUN_ID --name NAME [--alias production]`: a training run's model/ becomes a new version
// of a registered model (created when new), optionally under an alias, so validation can pick it with
// `--model models:/NAME@ALIAS`. Works against MLFLOW_TRACKING_URI (our server or any MLflow).
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { collect } from '../pipeline-options.ts';

interface RegisterFlags {
  run: string;
  name: string;
  alias: string[];
}

export function registerRegisterCommand(program: Command): void {
  program
    .command('register')
    .description("Register a training run's model as a new model version (and point aliases at it)")
    .requiredOption('--run <run_id>', 'the training run whose model/ artifacts to register')
    .requiredOption('--name <name>', 'registered model name, e.g. flex-front')
    .option('--alias <alias>', 'alias to set on the new version, e.g. production (repeatable)', collect, [])
    .action(async (flags: RegisterFlags) => {
      const { MlflowClient } = await import('../../mlflow/client.ts');
      const { MODEL_ARTIFACT } = await import('../../runs/artifacts.ts');
      if (!process.env.MLFLOW_TRACKING_URI) throw new ConfigError(['MLFLOW_TRACKING_URI is not set: point it at the tracking server that holds the run'], 'invalid environment');
      const client = new MlflowClient();
      const run = await client.getRun(flags.run);
      const files = await (await client.runArtifacts(flags.run)).list(MODEL_ARTIFACT);
      if (files.length === 0) throw new Error(`run ${flags.run} has no ${MODEL_ARTIFACT}/ artifacts to register (status ${run.info.status})`);
      await client.registry.createRegisteredModel(flags.name);
      const version = await client.registry.createModelVersion({ name: flags.name, source: `runs:/${flags.run}/${MODEL_ARTIFACT}`, runId: flags.run });
      for (const alias of flags.alias) await client.registry.setAlias(flags.name, alias, version.version);
      const aliases = flags.alias.length ? `, alias ${flags.alias.join(', ')}` : '';
      console.log(`registered ${flags.name} version ${version.version} from run ${flags.run}${aliases}: models:/${flags.name}/${version.version}`);
    });
}
