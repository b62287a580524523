// maxSurge / maxUnavailable: an integer or "N%" of a total.
import { InvalidIntOrPercentError } from '../errors';

/** Resolves `value` against `total`; percentages round up or down as the caller asks. */
export function resolveIntOrPercent(
  field: string,
  value: unknown,
  fallback: number | string,
  total: number,
  roundUp: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const match = /^(\d+)%$/.exec(v);
    if (match) {
      const exact = (Number(match[1]) * total) / 100;
      return roundUp ? Math.ceil(exact) : Math.floor(exact);
    }
    if (/^\d+$/.test(v)) return Number(v);
  }
  throw new InvalidIntOrPercentError(field, v);
}
