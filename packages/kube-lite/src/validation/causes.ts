// Field errors with the wording of Kubernetes' field.Error, so kubectl's
// "The X "y" is invalid: field: Invalid value: ..." reads as users expect.
import type { StatusCause } from '../errors';

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return `map[string]string{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(', ')}}`;
  }
  return String(value);
};

export const causes = {
  required: (field: string, detail = ''): StatusCause => ({
    reason: 'FieldValueRequired',
    field,
    message: `Required value${detail ? `: ${detail}` : ''}`,
  }),
  invalid: (field: string, value: unknown, detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${show(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, valid: string[]): StatusCause => ({
    reason: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${show(value)}: supported values: ${valid.map((v) => `"${v}"`).join(', ')}`,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({
    reason: 'FieldValueForbidden',
    field,
    message: `Forbidden: ${detail}`,
  }),
  duplicate: (field: string, value: unknown): StatusCause => ({
    reason: 'FieldValueDuplicate',
    field,
    message: `Duplicate value: ${show(value)}`,
  }),
};
