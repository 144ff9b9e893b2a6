import { describeError } from '../api/errors.ts';

/** A failure in the shopper's words, announced to screen readers, with a way to try again. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const problem = describeError(error);
  return (
    <div className="notice notice-error" role="alert" data-code={problem.code ?? undefined}>
      <p>{problem.message}</p>
      {problem.requestId && <p className="muted small">Reference: {problem.requestId}</p>}
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** User errors of a mutation payload, each in its own words. */
export function UserErrorList({ errors }: { errors: readonly { code: string; message: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="notice notice-error" role="alert">
      {errors.map((error) => (
        <p key={`${error.code}:${error.message}`} data-code={error.code}>
          {error.message}
        </p>
      ))}
    </div>
  );
}
