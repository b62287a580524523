/** A flag the user got wrong: the benchmark prints it with its usage line and exits with code 2. */
export class UsageError extends Error {}

/** An integer flag from node:util parseArgs values, at least `min`; required when there is no fallback. */
export function intFlag(
  values: Record<string, unknown>,
  name: string,
  fallback: number | undefined,
  min: number,
): number {
  const raw = values[name];
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${String(raw)}"`);
  return n;
}
