// Resource quantities ("250m", "64Mi", "1.5", "2e3") as plain numbers.
import { InvalidQuantityError } from '../errors';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const PATTERN = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The quantity in base units (cores, bytes, count). Throws InvalidQuantityError. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') {
    if (!Number.isFinite(quantity)) throw new InvalidQuantityError(String(quantity));
    return quantity;
  }
  const match = PATTERN.exec(quantity.trim());
  if (!match) throw new InvalidQuantityError(quantity);
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  return base * (SUFFIX[match[3] ?? ''] ?? 1);
}

/** CPU in millicores, rounded up as Kubernetes does for sub-milli values. */
export const parseMilliCpu = (quantity: string | number): number =>
  Math.ceil(Math.round(parseQuantity(quantity) * 1e6) / 1e3);
