// Where a command logs: the server named by MLFLOW_TRACKING_URI, or else a `pixal server` started in this
// process with its store under <dir>/mlruns. The server is reached only through its public entry point.
import { join, resolve } from 'node:path';
import { MlflowClient } from '../mlflow/client.ts';

export interface Tracking {
  /** The server's base URL. */
  url: string;
  client: MlflowClient;
  /** True when this process runs the server (and so can keep serving it). */
  local: boolean;
  /** Stops the local server; nothing for a remote one. */
  close(): Promise<void>;
}

export interface TrackingOptions {
  dir: string;
  host: string;
  port: number;
  env?: NodeJS.ProcessEnv;
}

/** Listen failures as a person can act on them. */
function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new Error(`port ${port} on ${host} is already in use (another pixal or mlflow server?): stop it, or choose another port with --port, e.g. --port ${port === 65535 ? 5001 : port + 1} (--port 0 picks a free one)`);
  if (code === 'EACCES') return new Error(`not allowed to listen on port ${port} of ${host}: choose a port above 1023 with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new Error(`--host ${host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface`);
  return err instanceof Error ? err : new Error(String(err));
}

export async function openTracking(options: TrackingOptions): Promise<Tracking> {
  const env = options.env ?? process.env;
  if (env.MLFLOW_TRACKING_URI) {
    const client = new MlflowClient({}, env);
    return { url: client.config.baseUrl, client, local: false, close: async () => {} };
  }
  const mlruns = resolve(options.dir, 'mlruns');
  const { startServer } = await import('../../server/main.ts');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host: options.host,
      port: options.port,
      backendStoreUri: `sqlite:///${join(mlruns, 'pixal.db')}`,
      artifactsDestination: mlruns,
      // Request lines would bury the progress bars and the summary.
      logLevel: 'warn',
    });
  } catch (err) {
    throw listenError(err, options.host, options.port);
  }
  // Our own server needs no credentials: the environment's are for MLFLOW_TRACKING_URI's.
  const client = new MlflowClient({ trackingUri: server.url }, {});
  return { url: server.url, client, local: true, close: () => server.close() };
}
