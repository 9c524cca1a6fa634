// Optional API auth, matching what the official client already sends:
// MLFLOW_TRACKING_TOKEN as `Authorization: Bearer`, MLFLOW_TRACKING_USERNAME/PASSWORD as Basic.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { MlflowError } from './errors.ts';

export type AuthSpec = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; user: string; password: string };

/** Parses `--auth token:<secret>` or `--auth basic:<user>:<password>`. */
export function parseAuthSpec(spec: string | undefined): AuthSpec {
  if (spec === undefined || spec === '' || spec === 'none') return { kind: 'none' };
  if (spec.startsWith('token:') && spec.length > 'token:'.length) return { kind: 'token', token: spec.slice('token:'.length) };
  const basic = /^basic:([^:]+):(.+)$/.exec(spec);
  if (basic) return { kind: 'basic', user: basic[1]!, password: basic[2]! };
  throw new Error(`--auth must be 'token:<secret>' or 'basic:<user>:<password>', got '${spec.split(':')[0]}:…'`);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user a request authenticated as; '' when auth is off or the scheme carries no name. */
export function authenticate(spec: AuthSpec, header: string | undefined): string | null {
  if (spec.kind === 'none') return '';
  // Exactly `<scheme> <credentials>`: anything after the credentials is refused, not ignored.
  const parts = /^\s*(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  if (!parts) return null;
  const [, scheme = '', value = ''] = parts;
  if (spec.kind === 'token') return scheme.toLowerCase() === 'bearer' && safeEqual(value, spec.token) ? '' : null;
  if (scheme.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  return safeEqual(user, spec.user) && safeEqual(decoded.slice(colon + 1), spec.password) ? user : null;
}

export function authMiddleware(spec: AuthSpec): MiddlewareHandler {
  return async (c, next) => {
    const user = authenticate(spec, c.req.header('authorization'));
    if (user === null) {
      c.header('WWW-Authenticate', spec.kind === 'basic' ? 'Basic realm="pixal"' : 'Bearer');
      return c.json(new MlflowError('UNAUTHENTICATED', 'You are not authenticated. Please see the documentation for how to authenticate.').toJSON(), 401);
    }
    c.set('user' as never, user as never);
    await next();
  };
}
