// An artifact's bytes as text, for previews: a timeout so a preview never spins forever, and the
// server's own message when it refuses.
import { artifactUrl } from '../api/client.ts';
import { ApiError } from '../api/types.ts';

const TIMEOUT_MS = 20_000;

export async function fetchArtifactText(runId: string, path: string, signal: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(artifactUrl(runId, path), { signal: AbortSignal.any([signal, timeout]) });
  } catch (error) {
    if (timeout.aborted) throw new ApiError(0, 'TIMEOUT', `${path} did not load within ${TIMEOUT_MS / 1000} s`);
    if (signal.aborted) throw error;
    throw new ApiError(0, 'UNREACHABLE', `server unreachable while loading ${path}`);
  }
  const text = await response.text();
  if (response.ok) return text;
  let message = text.slice(0, 500) || response.statusText;
  let code = `HTTP_${response.status}`;
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    message = body.message ?? message;
    code = body.error_code ?? code;
  } catch {
    // not JSON: keep the text
  }
  throw new ApiError(response.status, code, message);
}
