/**
 * Bounds edge handshakes: at most `maxConcurrent` run at once, up to
 * `queueSize` wait in order, the rest are refused at once. A reconnect storm
 * (a region's link coming back) then costs bounded memory and API load.
 */
import { CloudcoreError } from '../errors';

export interface HandshakeGateOptions {
  readonly maxConcurrent: number;
  readonly queueSize: number;
  /** Told the running and waiting counts on every change (metrics). */
  readonly onChange?: (running: number, waiting: number) => void;
}

export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly fail: (err: Error) => void;
}

export class HandshakeGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: HandshakeGateOptions) {}

  /** Resolves with a release function once a slot is free; rejects HANDSHAKE_BUSY when the queue is full or on abort. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.running < this.options.maxConcurrent) return Promise.resolve(this.take());
    if (this.waiting.length >= this.options.queueSize) {
      return Promise.reject(
        new CloudcoreError(
          'HANDSHAKE_BUSY',
          `${this.running} handshakes running and ${this.waiting.length} waiting; retry later`,
        ),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        this.report();
        reject(new CloudcoreError('HANDSHAKE_BUSY', 'connection closed while waiting for a handshake slot'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.report();
    });
  }

  private take(): Release {
    this.running++;
    this.report();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const next = this.waiting.shift();
      if (next) next.grant(this.take());
      else this.report();
    };
  }

  private report(): void {
    this.options.onChange?.(this.running, this.waiting.length);
  }
}
