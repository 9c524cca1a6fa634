// `pixal server`: the flags of `mlflow server`. The CLI only calls the server's public entry point.
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer in 0..65535, got '${value}'`);
  return n;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the MLflow-compatible tracking server (REST API, artifacts, registry, dashboard)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 5000)
    .option('--backend-store-uri <uri>', 'SQLite store', 'sqlite:///mlruns/pixal.db')
    .option('--artifacts-destination <dir>', 'where artifacts are stored', './mlruns')
    .option('--auth <spec>', "require credentials: 'token:<secret>' or 'basic:<user>:<password>'")
    .option('--log-level <level>', 'pino log level (silent, error, warn, info, debug)', 'info')
    .action(async (opts: { host: string; port: number; backendStoreUri: string; artifactsDestination: string; auth?: string; logLevel: string }) => {
      const { startServer } = await import('../../../server/main.ts');
      const server = await startServer(opts);
      console.error(`pixal server listening on ${server.url}`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
