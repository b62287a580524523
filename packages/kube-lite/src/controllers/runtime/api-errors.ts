// Reads the Kubernetes reason out of whatever a ControllerApi call threw.
import { ApiError } from '../../errors';

/** The Status reason ("Conflict", "NotFound"...) of an API failure, or undefined for any other error. */
export function apiReason(err: unknown): string | undefined {
  if (err instanceof ApiError) return err.reason;
  if (typeof err === 'object' && err !== null && 'reason' in err && typeof err.reason === 'string' && 'httpCode' in err)
    return err.reason;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => apiReason(err) === 'NotFound';
export const isAlreadyExists = (err: unknown): boolean => apiReason(err) === 'AlreadyExists';

/**
 * Runs a delete that may race the watch: the object can already be gone
 * while the cache, fed by events delivered after the write, still shows it.
 */
export function ignoreNotFound(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
