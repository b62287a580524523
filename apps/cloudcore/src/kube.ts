/** Small helpers over @kubernetes/client-node errors, shared by the modules. */
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Request options of a JSON merge patch: the generated client picks the patch content type from a header option. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** HTTP status of a failed API call (ApiException.code, or Watch's error.statusCode), undefined for network errors. */
export function apiStatus(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const { code, statusCode } = (err ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

export const isNotFound = (err: unknown): boolean => apiStatus(err) === 404;
export const isConflict = (err: unknown): boolean => apiStatus(err) === 409;

/** A short description of an API failure for logs: status and the server's message. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    let message = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const parsed =
        typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string });
      if (parsed?.message) message = parsed.message;
    } catch {
      // body was not JSON; keep it as text
    }
    return `HTTP ${err.code}: ${message.slice(0, 300)}`;
  }
  return err instanceof Error ? err.message : String(err);
}
