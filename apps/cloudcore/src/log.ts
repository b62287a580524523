/** Structured logs: one JSON object per line on stderr. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `component`. */
  child(component: string): Logger;
}

export interface LoggerOptions {
  /** Lowest level written; default 'info'. */
  level?: LogLevel;
  /** Where lines go; default process.stderr. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}, component = 'cloudcore'): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const record = { ts: new Date().toISOString(), level, component, msg, ...fields };
    write(`${JSON.stringify(record, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (name) => createLogger(options, `${component}.${name}`),
  };
}

/** A logger that writes nothing, for tests. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
