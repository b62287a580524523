import type { Socket } from 'node:net';

export interface DelayedPipeOptions {
  /** Added to every chunk, in milliseconds. */
  delayMs: number;
  /** Extra random delay 0..jitterMs per chunk; chunks still leave in order. */
  jitterMs: number;
  /** Above this many queued bytes the source is paused; it resumes below half. */
  maxQueuedBytes: number;
}

export interface DelayedPipe {
  /** Bytes queued now, not yet written on. */
  readonly queuedBytes: number;
  /** Bytes written to the destination so far. */
  readonly forwardedBytes: number;
  /** Drops the queue and its timer. */
  stop(): void;
}

interface Held {
  chunk: Buffer;
  dueAt: number;
}

/**
 * Copies `from` to `to`, holding each chunk until delayMs (+ jitter) after it
 * arrived. Memory stays bounded: the source is paused while the queue is full,
 * and the queue stops draining while `to` pushes back, so TCP backpressure
 * reaches the sender. The source's end is forwarded after the last chunk.
 */
export function delayedPipe(from: Socket, to: Socket, o: DelayedPipeOptions): DelayedPipe {
  const queue: Held[] = [];
  let queued = 0;
  let forwarded = 0;
  let lastDueAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let awaitingDrain = false;
  let sourceEnded = false;
  let paused = false;
  let stopped = false;

  const schedule = (): void => {
    if (stopped || timer || awaitingDrain) return;
    const head = queue[0];
    if (!head) {
      if (sourceEnded && !to.writableEnded) to.end();
      return;
    }
    timer = setTimeout(release, Math.max(0, head.dueAt - performance.now()));
  };

  const release = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue[0] && queue[0].dueAt <= now) {
      const { chunk } = queue.shift() as Held;
      queued -= chunk.length;
      forwarded += chunk.length;
      if (!to.write(chunk)) {
        awaitingDrain = true;
        to.once('drain', () => {
          awaitingDrain = false;
          schedule();
        });
        break;
      }
    }
    if (paused && queued <= o.maxQueuedBytes / 2) {
      paused = false;
      from.resume();
    }
    schedule();
  };

  from.on('data', (chunk: Buffer) => {
    // Never earlier than the chunk before it: jitter must not reorder bytes.
    const dueAt = Math.max(lastDueAt, performance.now() + o.delayMs + Math.random() * o.jitterMs);
    lastDueAt = dueAt;
    queue.push({ chunk, dueAt });
    queued += chunk.length;
    if (!paused && queued >= o.maxQueuedBytes) {
      paused = true;
      from.pause();
    }
    schedule();
  });
  from.on('end', () => {
    sourceEnded = true;
    schedule();
  });

  return {
    get queuedBytes() {
      return queued;
    },
    get forwardedBytes() {
      return forwarded;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      queue.length = 0;
      queued = 0;
    },
  };
}
