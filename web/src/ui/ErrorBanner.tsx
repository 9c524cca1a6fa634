// One way to show any failure: what went wrong, in the server's words, and a way to try again.
import type { ApiError } from '../api/types.ts';

export function ErrorBanner({ error, onRetry, testId = 'error-banner' }: { error: ApiError | Error | string; onRetry?: () => void; testId?: string }) {
  const message = typeof error === 'string' ? error : error.message;
  const code = typeof error === 'object' && 'code' in error ? error.code : undefined;
  return (
    <div className="error-banner" role="alert" data-testid={testId}>
      {code && <span className="error-code">{code}</span>}
      <span className="error-message">{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
