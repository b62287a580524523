// Pure parsers for flag values. Each returns the parsed value or throws a
// UsageError whose message says what is wrong and what a good value looks like.
import { UsageError } from '../errors';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a Go-style duration ("90s", "24h", "1h30m", "7d") into milliseconds. */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(trimmed); m; m = part.exec(trimmed)) {
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length) {
    throw new UsageError(
      `"${text}" is not a duration; use a number with a unit (ms, s, m, h, d), e.g. 30m, 24h or 1h30m`,
    );
  }
  if (total <= 0) throw new UsageError(`duration "${text}" must be greater than zero`);
  return Math.round(total);
}

/** Bounds a duration: used for token TTLs (1 minute to 1 year). */
export function parseTtlMs(text: string): number {
  const ms = parseDurationMs(text);
  if (ms < 60_000) throw new UsageError(`ttl "${text}" is shorter than 1m; a joiner needs time to use the token`);
  if (ms > 365 * 86_400_000) throw new UsageError(`ttl "${text}" is longer than 365d; create a new token instead`);
  return ms;
}

// Kubernetes label rules: optional DNS-subdomain prefix + name of <= 63 chars.
const labelName = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelPrefix = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Checks one label key (e.g. kedge.io/group); throws UsageError naming the rule broken. */
export function checkLabelKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !labelPrefix.test(prefix))) {
    throw new UsageError(`label key "${key}": prefix "${prefix}" must be a lowercase DNS name such as example.com`);
  }
  if (!labelName.test(name)) {
    throw new UsageError(
      `label key "${key}": name must be 1-63 characters [A-Za-z0-9-_.], starting and ending alphanumeric`,
    );
  }
}

/** Parses "k=v,k2=v2" into a record, validating keys and values like Kubernetes does. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text.trim() === '') return labels;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`label "${pair}" is not key=value; write labels as k=v,k2=v2`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    checkLabelKey(key);
    if (!labelValue.test(value)) {
      throw new UsageError(
        `label "${key}": value "${value}" must be at most 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric`,
      );
    }
    if (key in labels) throw new UsageError(`label "${key}" is given twice`);
    labels[key] = value;
  }
  return labels;
}

export interface CloudUrl {
  /** Normalised wss://host:port (no path). */
  url: string;
  host: string;
  port: number;
}

/** Parses --cloud: must be wss://host:port with nothing after the port. */
export function parseCloudUrl(text: string): CloudUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--cloud "${text}" is not a URL; use wss://HOST:10000`);
  }
  if (u.protocol !== 'wss:')
    throw new UsageError(`--cloud "${text}" must use wss:// (the channel is TLS only), e.g. wss://HOST:10000`);
  if (!u.port) throw new UsageError(`--cloud "${text}" has no port; add it, e.g. wss://${u.hostname}:10000`);
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new UsageError(`--cloud "${text}" must be only wss://HOST:PORT, without path, query or credentials`);
  }
  return { url: `wss://${u.host}`, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}

/** Parses a TCP port (1-65535). */
export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw new UsageError(`port "${text}" must be a number from 1 to 65535`);
  return n;
}

/** Parses an integer within [min, max]. */
export function parseIntInRange(text: string, min: number, max: number, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${what} "${text}" must be a whole number from ${min} to ${max}`);
  return n;
}

/** Parses a metrics or health URL (http:// or https://). */
export function parseHttpUrl(text: string, what: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`${what} "${text}" is not a URL; use e.g. http://127.0.0.1:10001/metrics`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`${what} "${text}" must start with http:// or https://`);
  return u.toString();
}

/** Parses HOST:PORT (IPv6 as [::1]:PORT). */
export function parseHostPort(text: string, what: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`${what} "${text}" must be HOST:PORT, e.g. 127.0.0.1:10350`);
  parsePort(m[2] as string);
  return text;
}
