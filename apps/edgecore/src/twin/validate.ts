import type { ModelProperty } from './types';

// KubeEdge's rule for twin keys; values are bounded by length only (KubeEdge
// also limits their characters, Kedge accepts any text up to that length).
const KEY_PATTERN = /^[a-zA-Z0-9\-_.,:/@#]{1,128}$/;
const MAX_VALUE_LENGTH = 512;
const INT_PATTERN = /^[+-]?\d+$/;

export function checkTwinKey(key: string): string | null {
  return KEY_PATTERN.test(key)
    ? null
    : `twin key "${key}" must be 1-128 characters of letters, digits and - _ . , : / @ #`;
}

/** The `metadata.type` KubeEdge puts on a twin, from the model's property type. */
export function twinTypeOf(property: ModelProperty | undefined): string {
  switch (property?.type?.toUpperCase()) {
    case 'INT':
      return 'int';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    case 'BOOLEAN':
      return 'boolean';
    default:
      return 'string';
  }
}

function bound(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Checks a value against its model property. `checkRange` is false for reported
 * values: a reading outside min/max is still what the device measured.
 * Returns a reason naming the property and the rule, or null when it fits.
 */
export function checkValue(
  name: string,
  value: unknown,
  property: ModelProperty | undefined,
  checkRange: boolean,
): string | null {
  if (typeof value !== 'string')
    return `value of "${name}" must be a string (KubeEdge twin values are strings), got ${typeof value}`;
  if (value.length > MAX_VALUE_LENGTH)
    return `value of "${name}" is ${value.length} characters; the limit is ${MAX_VALUE_LENGTH}`;
  const type = twinTypeOf(property);
  let numeric: number | undefined;
  if (type === 'int') {
    numeric = Number(value);
    if (!INT_PATTERN.test(value) || !Number.isSafeInteger(numeric))
      return `value "${value}" of "${name}" is not an INT`;
  } else if (type === 'float') {
    numeric = Number(value);
    if (value.trim() === '' || !Number.isFinite(numeric))
      return `value "${value}" of "${name}" is not a ${property?.type ?? 'FLOAT'}`;
  } else if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') return `value "${value}" of "${name}" must be "true" or "false"`;
  }
  if (!checkRange || numeric === undefined) return null;
  const min = bound(property?.minimum);
  const max = bound(property?.maximum);
  if (min !== undefined && numeric < min)
    return `value ${value} of "${name}" is below the model minimum ${property?.minimum}`;
  if (max !== undefined && numeric > max)
    return `value ${value} of "${name}" is above the model maximum ${property?.maximum}`;
  return null;
}
