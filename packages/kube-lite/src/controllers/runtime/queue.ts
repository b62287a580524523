// A keyed work queue: a key added many times before it is processed is
// processed once (dedupe, coalesce); a key that fails with an API error is
// retried with exponential backoff; any other error stops the controller.
import { apiReason } from './api-errors';

/**
 * How often an owner (DaemonSet, ReplicaSet) is synced for events of its pods.
 * Those are mostly status writes that move only the owner's counters, while a
 * sync walks all its pods (and a DaemonSet's nodes): at 10,000 pods, syncing
 * per event kept the API server's core busy.
 */
const POD_EVENT_COALESCE_MS = 250;
/**
 * A coalesced key waits at least this many times its last sync's duration:
 * one hot owner then takes at most a fifth of the server's core. A DaemonSet
 * over 10,000 nodes took ~100 ms a sync, and the pods of a fleet coming back
 * after an outage change every few milliseconds.
 */
const COALESCE_COST_FACTOR = 4;
/** Syncs quicker than this are not remembered (their keys need no extra wait). */
const REMEMBER_SYNC_MS = 5;

/** What a sync may ask for: run this key again after a delay (minReadySeconds, deadlines). */
export type SyncResult = void | { requeueAfterMs: number };
export type SyncFn = (key: string) => SyncResult | Promise<SyncResult>;

export interface WorkQueueOptions {
  /** First retry delay after a failed sync, doubled per failure. Default 5 ms. */
  baseRetryDelayMs?: number;
  /** Retry delay cap. Default 10_000 ms. */
  maxRetryDelayMs?: number;
  /** Synchronous work before yielding to the event loop, shared by all busy queues, so the server stays responsive. Default 20 ms. */
  sliceMs?: number;
  /** Called when a key failed with an API error and will be retried. */
  onRetry?: (key: string, err: unknown) => void;
}

const DEFAULTS: Required<Omit<WorkQueueOptions, 'onRetry'>> = {
  baseRetryDelayMs: 5,
  maxRetryDelayMs: 10_000,
  sliceMs: 20,
};

/**
 * Queues with work, process-wide. The controllers share the API server's
 * thread with the requests it serves, so each busy queue gets an equal part
 * of one slice per event-loop turn: a request waits about one slice however
 * many controllers are busy. With a slice each, six busy controllers held
 * every request for 120 ms a turn, and at 10,000 nodes the node Lease
 * renewals could not keep up.
 */
let busyQueues = 0;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #delayed = new Map<string, { dueMs: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  /** Duration of the last sync of keys whose syncs are slow. */
  readonly #slowSyncMs = new Map<string, number>();
  readonly #options: Required<Omit<WorkQueueOptions, 'onRetry'>> & Pick<WorkQueueOptions, 'onRetry'>;
  #wake: (() => void) | undefined;
  #stopped = false;

  constructor(
    private readonly sync: SyncFn,
    options: WorkQueueOptions = {},
  ) {
    this.#options = { ...DEFAULTS, ...options };
  }

  get length(): number {
    return this.#pending.size;
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Adds the key after `delayMs`; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) return this.add(key);
    const dueMs = Date.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.dueMs <= dueMs) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { dueMs, timer });
  }

  /**
   * Adds the key for an event that only moves it a little (a pod of an owner
   * changed): after `minDelayMs`, or longer for a key whose syncs are slow.
   */
  addCoalesced(key: string, minDelayMs = POD_EVENT_COALESCE_MS): void {
    this.addAfter(key, Math.max(minDelayMs, COALESCE_COST_FACTOR * (this.#slowSyncMs.get(key) ?? 0)));
  }

  /** Processes keys until the signal aborts; rejects when a sync throws a non-API error. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.#wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    let busy = false;
    const setBusy = (now: boolean): void => {
      if (now !== busy) busyQueues += now ? 1 : -1;
      busy = now;
    };
    try {
      while (!signal.aborted) {
        if (this.#pending.size === 0) {
          setBusy(false);
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        setBusy(true);
        const sliceStart = performance.now();
        for (const key of this.#pending) {
          this.#pending.delete(key);
          await this.#process(key);
          // The share is read after each key: another queue may have become busy meanwhile.
          if (signal.aborted || performance.now() - sliceStart > this.#options.sliceMs / busyQueues) break;
        }
        await yieldToEventLoop();
      }
    } finally {
      setBusy(false);
      signal.removeEventListener('abort', onAbort);
      this.#stopped = true;
      for (const { timer } of this.#delayed.values()) clearTimeout(timer);
      this.#delayed.clear();
    }
  }

  async #process(key: string): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.sync(key);
      const tookMs = performance.now() - started;
      if (tookMs >= REMEMBER_SYNC_MS) this.#slowSyncMs.set(key, tookMs);
      else this.#slowSyncMs.delete(key);
      this.#failures.delete(key);
      if (result) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      if (apiReason(err) === undefined) throw err;
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.#options.onRetry?.(key, err);
      const delay = Math.min(this.#options.baseRetryDelayMs * 2 ** (failures - 1), this.#options.maxRetryDelayMs);
      this.addAfter(key, delay);
    }
  }
}
