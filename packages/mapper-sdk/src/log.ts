/** Structured logger; fields are merged into the line. */
export interface MapperLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stderr; debug is dropped unless `debug` is true. */
export function jsonLogger(options: { debug?: boolean; stream?: NodeJS.WritableStream } = {}): MapperLogger {
  const stream = options.stream ?? process.stderr;
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
  return {
    debug: options.debug ? write('debug') : () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
