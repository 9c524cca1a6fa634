// `pixal server`: the flags of `mlflow server`. The CLI only calls the server's public entry point.
import { Command, InvalidArgumentError } from 'commander';
import type { MirrorServerOptions } from '../../../server/main.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer in 0..65535, got '${value}'`);
  return n;
}

function interval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--mirror-interval must be a number of seconds >= 0 (0: sync only on demand), got '${value}'`);
  return n;
}

interface MirrorFlags {
  mirror?: string;
  mirrorToken?: string;
  mirrorUser?: string;
  mirrorPassword?: string;
  mirrorInterval: number;
}

/**
 * The remote to mirror, with MLflow's client credentials: a flag wins over MLFLOW_TRACKING_TOKEN /
 * MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD from the environment.
 */
export function mirrorOptions(flags: MirrorFlags, env: NodeJS.ProcessEnv = process.env): MirrorServerOptions | undefined {
  const given = [flags.mirrorToken && '--mirror-token', flags.mirrorUser && '--mirror-user', flags.mirrorPassword && '--mirror-password'].filter(Boolean);
  if (flags.mirror === undefined) {
    if (given.length > 0) throw new InvalidArgumentError(`${given.join(', ')} only make sense with --mirror URL`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(flags.mirror);
  } catch {
    throw new InvalidArgumentError(`--mirror must be the http(s) URL of an MLflow server, got '${flags.mirror}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`--mirror must be an http:// or https:// URL, got '${flags.mirror}'`);
  if (url.search || url.hash) throw new InvalidArgumentError(`--mirror must not carry a query or fragment, got '${flags.mirror}'`);
  if (flags.mirrorToken && (flags.mirrorUser || flags.mirrorPassword))
    throw new InvalidArgumentError('--mirror-token and --mirror-user/--mirror-password are exclusive: give a token or a user and password');
  if ((flags.mirrorUser === undefined) !== (flags.mirrorPassword === undefined))
    throw new InvalidArgumentError(flags.mirrorUser === undefined ? '--mirror-password needs --mirror-user' : '--mirror-user needs --mirror-password');
  const base = { url: flags.mirror.replace(/\/+$/, ''), intervalSeconds: flags.mirrorInterval };
  if (flags.mirrorToken) return { ...base, token: flags.mirrorToken };
  if (flags.mirrorUser !== undefined) return { ...base, username: flags.mirrorUser, password: flags.mirrorPassword };
  if (env.MLFLOW_TRACKING_TOKEN) return { ...base, token: env.MLFLOW_TRACKING_TOKEN };
  const [user, password] = [env.MLFLOW_TRACKING_USERNAME, env.MLFLOW_TRACKING_PASSWORD];
  if ((user === undefined) !== (password === undefined))
    throw new InvalidArgumentError(
      `MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together (only ${user === undefined ? 'the password' : 'the user'} is set): set both, or pass --mirror-user and --mirror-password`,
    );
  if (user !== undefined) return { ...base, username: user, password };
  return base;
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
    .option('--mirror <url>', 'keep the store a read-only replica of this remote MLflow server (use a dedicated --backend-store-uri)')
    .option('--mirror-token <token>', 'bearer token for the remote (default MLFLOW_TRACKING_TOKEN)')
    .option('--mirror-user <user>', 'basic-auth user for the remote (default MLFLOW_TRACKING_USERNAME)')
    .option('--mirror-password <password>', 'basic-auth password for the remote (default MLFLOW_TRACKING_PASSWORD)')
    .option('--mirror-interval <seconds>', 'seconds between sync passes; 0: only on demand', interval, 30)
    .action(async (opts: { host: string; port: number; backendStoreUri: string; artifactsDestination: string; auth?: string; logLevel: string } & MirrorFlags) => {
      const mirror = mirrorOptions(opts);
      const { startServer } = await import('../../../server/main.ts');
      const { host, port, backendStoreUri, artifactsDestination, auth, logLevel } = opts;
      const server = await startServer({ host, port, backendStoreUri, artifactsDestination, auth, logLevel, mirror });
      console.error(`pixal server listening on ${server.url}`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
