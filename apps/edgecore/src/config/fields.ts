import { accessSync, constants } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors';
import type { HostPort } from './schema';

/** Reads typed values out of the parsed YAML, each error naming the field and the fix. */
export class FieldReader {
  constructor(
    private readonly file: string,
    private readonly baseDir: string,
  ) {}

  fail(field: string, problem: string, fix: string): never {
    throw new ConfigError(`${this.file}: ${field} ${problem}; ${fix}`, { field, file: this.file });
  }

  section(value: unknown, field: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      this.fail(
        field,
        `must be a mapping, got ${describe(value)}`,
        `write it as "${field}:" followed by indented keys`,
      );
    return value as Record<string, unknown>;
  }

  string(value: unknown, field: string, fallback?: string): string {
    if (value === undefined || value === null) {
      if (fallback === undefined) this.fail(field, 'is missing', `set ${field} in the file or by its flag`);
      return fallback;
    }
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${describe(value)}`, 'quote the value');
    return value;
  }

  boolean(value: unknown, field: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean')
      this.fail(field, `must be true or false, got ${describe(value)}`, 'write true or false');
    return value;
  }

  integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(
        field,
        `must be an integer from ${min} to ${max}, got ${describe(value)}`,
        `use a value in ${min}..${max}`,
      );
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
    const text = this.string(value, field, fallback);
    if (!(allowed as readonly string[]).includes(text))
      this.fail(field, `is "${text}", which is not known`, `use one of: ${allowed.join(', ')}`);
    return text as T;
  }

  /** `host:port` or `[v6]:port`. */
  hostPort(value: unknown, field: string, fallback: string): HostPort {
    const text = this.string(value, field, fallback);
    const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
    const port = Number(match?.[3]);
    if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
      this.fail(field, `is "${text}", not host:port with a port in 0..65535`, 'write e.g. 127.0.0.1:10350');
    }
    return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
  }

  /** A path resolved against the config file's directory. */
  path(value: unknown, field: string, fallback: string): string {
    const text = this.string(value, field, fallback);
    if (text === '') this.fail(field, 'is empty', 'give a path, relative to the config file or absolute');
    return isAbsolute(text) ? text : resolve(this.baseDir, text);
  }

  /** A path that must name a readable file now. */
  readableFile(value: unknown, field: string, fallback: string): string {
    const path = this.path(value, field, fallback);
    try {
      accessSync(path, constants.R_OK);
    } catch {
      this.fail(
        field,
        `names ${path}, which cannot be read`,
        'run `kedge join` to create it, or point the field at the right file',
      );
    }
    return path;
  }

  stringMap(value: unknown, field: string): Record<string, string> {
    const map = this.section(value, field);
    for (const [key, item] of Object.entries(map)) {
      if (typeof item !== 'string')
        this.fail(`${field}.${key}`, `must be a string, got ${describe(item)}`, 'quote the value');
    }
    return map as Record<string, string>;
  }

  /** Rejects keys the schema does not know, which are almost always typos. */
  knownKeys(map: Record<string, unknown>, section: string, known: readonly string[]): void {
    for (const key of Object.keys(map)) {
      if (!known.includes(key)) {
        const field = section ? `${section}.${key}` : key;
        this.fail(field, 'is not a known setting', `remove it or use one of: ${known.join(', ')}`);
      }
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `"${value}"` : `${typeof value} ${JSON.stringify(value)}`;
}
