import type { WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

type StreamName = 'stdout' | 'stderr';

/** A pattern without g/y flags, so `test` has no lastIndex state between lines. */
export function statelessPattern(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

/**
 * The combined stdout/stderr lines of one process: kept in memory up to
 * `maxChars` (oldest lines dropped first), copied raw to an optional log file,
 * and offered to line listeners as they complete.
 */
export class OutputLog {
  private readonly lines: string[] = [];
  private dropped = 0;
  private chars = 0;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly partial = { stdout: '', stderr: '' };
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    private readonly maxChars: number,
    private readonly sink?: WriteStream,
  ) {}

  push(stream: StreamName, chunk: Buffer): void {
    this.sink?.write(chunk);
    const parts = (this.partial[stream] + this.decoders[stream].write(chunk)).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.add(line);
    // A line longer than the whole budget is emitted in pieces rather than held forever.
    if (this.partial[stream].length > this.maxChars) {
      this.add(this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  /** Emits unterminated last lines; called once the process has exited. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest) this.add(rest);
    }
    this.sink?.end();
  }

  /** Absolute number of lines seen so far (including dropped ones). */
  get lineCount(): number {
    return this.dropped + this.lines.length;
  }

  /** First retained line at absolute index >= `from` that matches. */
  find(pattern: RegExp, from = 0): string | undefined {
    const re = statelessPattern(pattern);
    for (let i = Math.max(0, from - this.dropped); i < this.lines.length; i += 1) {
      const line = this.lines[i] as string;
      if (re.test(line)) return line;
    }
    return undefined;
  }

  text(): string {
    return this.lines.join('\n');
  }

  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private add(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.chars > this.maxChars && this.lines.length > 1) {
      this.chars -= (this.lines.shift() as string).length + 1;
      this.dropped += 1;
    }
    for (const listener of [...this.listeners]) listener(line);
  }
}
