import type { LogLevel } from './schema';

export type LogFields = Record<string, unknown>;

/** Structured logging: one JSON line per event on stderr. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (e.g. { module: 'hub-client' }). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Errors do not serialise with JSON.stringify; keep what a reader needs.
function plain(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  const code = (value as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (value.cause !== undefined) out.cause = plain(value.cause);
  return out;
}

export function createLogger(
  level: LogLevel,
  base: LogFields = {},
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg, ...base };
    if (fields) for (const [key, value] of Object.entries(fields)) record[key] = plain(value);
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** Drops everything; for tests. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
