// Name, label and annotation syntax checks (DNS-1123 and qualified names).
import type { StatusCause } from '../errors';
import { causes } from './causes';

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123Label = new RegExp(`^${label}$`);
const dns1123Subdomain = new RegExp(`^${label}(\\.${label})*$`);
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function checkDnsLabel(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [causes.invalid(field, value, 'must be no more than 63 characters')];
  if (!dns1123Label.test(value)) {
    return [
      causes.invalid(
        field,
        value,
        `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${label}')`,
      ),
    ];
  }
  return [];
}

export function checkDnsSubdomain(field: string, value: string): StatusCause[] {
  if (value.length > 253) return [causes.invalid(field, value, 'must be no more than 253 characters')];
  if (!dns1123Subdomain.test(value)) {
    return [
      causes.invalid(
        field,
        value,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${label}(\\.${label})*')`,
      ),
    ];
  }
  return [];
}

/** A label or annotation key: optional DNS subdomain prefix + "/" + qualified name. */
export function checkQualifiedKey(field: string, key: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: StatusCause[] = [];
  if (slash >= 0 && (prefix === '' || checkDnsSubdomain(field, prefix).length)) {
    out.push(
      causes.invalid(
        field,
        key,
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      ),
    );
  }
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    out.push(
      causes.invalid(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  }
  return out;
}

export function checkLabels(field: string, labels: unknown): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels))
    return [causes.invalid(field, labels, 'must be a map of string keys to string values')];
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    out.push(...checkQualifiedKey(field, k));
    if (typeof v !== 'string') out.push(causes.invalid(field, v, 'label values must be strings'));
    else if (v.length > 63 || !labelValue.test(v)) {
      out.push(
        causes.invalid(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return out;
}

export function checkAnnotations(field: string, annotations: unknown): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations))
    return [causes.invalid(field, annotations, 'must be a map of string keys to string values')];
  const out: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    out.push(...checkQualifiedKey(field, k));
    if (typeof v !== 'string') out.push(causes.invalid(field, v, 'annotation values must be strings'));
    else size += k.length + v.length;
  }
  if (size > 256 * 1024)
    out.push({ reason: 'FieldValueTooLong', field, message: `Too long: must have at most 262144 bytes` });
  return out;
}
