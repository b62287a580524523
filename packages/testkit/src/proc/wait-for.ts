import { WaitTimeoutError } from '../errors';

export interface WaitForOptions {
  /** What is awaited, in words; the timeout error names it. */
  description: string;
  /** Give up after this many milliseconds. Default 10_000. */
  timeoutMs?: number;
  /** Pause between attempts, in milliseconds. Default 100. */
  intervalMs?: number;
  /** Stops polling early; waitFor then rejects with the signal's reason. */
  signal?: AbortSignal;
}

function withDefaults(options: WaitForOptions) {
  return { ...options, timeoutMs: options.timeoutMs ?? 10_000, intervalMs: options.intervalMs ?? 100 };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` until it returns a truthy value, which it resolves to.
 * A thrown error counts as "not yet" and becomes the timeout error's cause.
 * Each attempt is bounded by the time left, so a hanging attempt cannot
 * outlive the timeout.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>> {
  const { description, timeoutMs, intervalMs, signal } = withDefaults(options);
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  while (attempts === 0 || performance.now() < deadline) {
    signal?.throwIfAborted();
    attempts += 1;
    const left = Math.max(1, deadline - performance.now());
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        Promise.resolve().then(condition),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), left);
        }),
      ]);
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    } finally {
      clearTimeout(timer);
    }
    const pause = Math.min(intervalMs, deadline - performance.now());
    if (pause > 0) await sleep(pause);
  }
  const reason = lastError instanceof Error ? ` (last attempt failed: ${lastError.message})` : '';
  throw new WaitTimeoutError(
    `timed out after ${timeoutMs} ms waiting for ${description}${reason}`,
    { description, timeoutMs, attempts },
    { cause: lastError },
  );
}
