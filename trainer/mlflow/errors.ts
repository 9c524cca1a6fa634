// What went wrong talking to a tracking server, with everything needed to act on it: the server's
// status, error_code and message, and the request that got them.

export interface MlflowErrorDetails {
  method: string;
  /** The request path (no host: tracking URIs may carry credentials). */
  path: string;
  /** HTTP status, or undefined when no answer came (connection refused, timeout). */
  status?: number;
  /** MLflow's `error_code` (`RESOURCE_DOES_NOT_EXIST`, ...), when the server sent its error envelope. */
  errorCode?: string;
  /** The server's message, or what failed on the way (`ECONNREFUSED`, `timed out after 30000 ms`). */
  serverMessage: string;
  /** Attempts made, retries included. */
  attempts: number;
  /** Seconds the server asked to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class MlflowClientError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly serverMessage: string;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(details: MlflowErrorDetails) {
    const answer = details.status === undefined ? 'no answer' : `${details.status}${details.errorCode ? ` ${details.errorCode}` : ''}`;
    const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : '';
    super(`MLflow ${details.method} ${details.path} → ${answer}: ${details.serverMessage}${tries}`, { cause: details.cause });
    this.name = 'MlflowClientError';
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.serverMessage = details.serverMessage;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
  }

  /**
   * Worth trying again later: no answer at all, 429, or a 5xx. Every other 4xx is the request's
   * own fault and would fail the same way again.
   */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** True for an MlflowClientError that another attempt may cure; false for anything else. */
export function isTransient(err: unknown): boolean {
  return err instanceof MlflowClientError && err.transient;
}

export function hasErrorCode(err: unknown, code: string): err is MlflowClientError {
  return err instanceof MlflowClientError && err.errorCode === code;
}
