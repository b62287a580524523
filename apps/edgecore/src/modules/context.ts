import type { EdgecoreConfig, Logger } from '../config';
import type { HubClient } from '../hub-client';
import type { Metastore } from '../metastore';
import type { PodManager } from '../pods';
import type { ContainerRuntime } from '../runtime';
import type { DeviceTwinManager } from '../twin';

/** One part of the agent. `start` runs for the module's whole life: it resolves after `signal` aborts and it has stopped, and rejects when the module fails. */
export interface Module {
  readonly name: string;
  start(ctx: AppContext, signal: AbortSignal): Promise<void>;
}

/** A module waited for a service and the agent stopped first: not a failure of its own. */
export class StoppedBeforeReadyError extends Error {
  override readonly name = 'StoppedBeforeReadyError';
  constructor() {
    super('edgecore stopped before the service was ready');
  }
}

/** What modules hand each other. */
export interface ServiceMap {
  metastore: Metastore;
  runtime: ContainerRuntime;
  pods: PodManager;
  /** undefined when mqtt.enabled is false: no broker, no twins. */
  twin: DeviceTwinManager | undefined;
  hub: HubClient;
}

export interface AppContext {
  readonly config: EdgecoreConfig;
  readonly log: Logger;
  readonly services: Services;
}

/**
 * Modules start together; one that needs another's service waits for it.
 * A wait ends with an error when the app stops first, so nothing hangs.
 */
export class Services {
  private readonly values = new Map<keyof ServiceMap, unknown>();
  private readonly waiters = new Map<keyof ServiceMap, ((value: unknown) => void)[]>();
  private readonly failers = new Set<(error: Error) => void>();

  constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => {
      for (const fail of this.failers) fail(new StoppedBeforeReadyError());
    });
  }

  provide<K extends keyof ServiceMap>(name: K, value: ServiceMap[K]): void {
    if (this.values.has(name)) throw new Error(`service ${name} provided twice`);
    this.values.set(name, value);
    for (const resolve of this.waiters.get(name) ?? []) resolve(value);
    this.waiters.delete(name);
  }

  need<K extends keyof ServiceMap>(name: K): Promise<ServiceMap[K]> {
    if (this.values.has(name)) return Promise.resolve(this.values.get(name) as ServiceMap[K]);
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.failers.add(fail);
      const list = this.waiters.get(name) ?? [];
      list.push((value) => {
        this.failers.delete(fail);
        resolve(value as ServiceMap[K]);
      });
      this.waiters.set(name, list);
    });
  }

  /** A service if it is there now; for optional readers such as /metrics. */
  peek<K extends keyof ServiceMap>(name: K): ServiceMap[K] | undefined {
    return this.values.get(name) as ServiceMap[K] | undefined;
  }
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
