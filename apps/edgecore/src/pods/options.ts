import { networkInterfaces } from 'node:os';
import { isAbsolute } from 'node:path';
import { InvalidOptionsError } from '../errors';
import type { ContainerRuntime } from '../runtime';
import type { Resolve } from './env';

export interface PodLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface PodManagerOptions {
  runtime: ContainerRuntime;
  /** This node's name; written on every container and used to find them again. */
  nodeName: string;
  /** Looks up ConfigMaps and Secrets the pods reference (edgecore's store). */
  resolve: Resolve;
  /** Absolute directory for pod volumes: `<volumeDir>/pods/<uid>/volumes/...`. */
  volumeDir: string;
  /** Default: discards everything. */
  log?: PodLogger;
  /** Default: Date.now. */
  clock?: Clock;
  /** Node address for status.hostIP and hostNetwork pods. Default: first non-internal IPv4, else 127.0.0.1. */
  hostIP?: string;
  /** Image of pod sandboxes. Default: the first image of the pod that is present on the node. */
  sandboxImage?: string;
  /** First CrashLoopBackOff wait. Default 10_000 ms (kubelet). */
  crashBackoffBaseMs?: number;
  /** Longest CrashLoopBackOff wait. Default 300_000 ms (kubelet). */
  crashBackoffMaxMs?: number;
  /** First ImagePullBackOff wait. Default 10_000 ms. */
  imageBackoffBaseMs?: number;
  /** Longest ImagePullBackOff wait. Default 300_000 ms. */
  imageBackoffMaxMs?: number;
  /** Full resync with the runtime, a safety net behind its events. Default 60_000 ms; 0 turns it off. */
  resyncIntervalMs?: number;
  /** Containers of pods never upserted are removed once the manager has run this long. Default 120_000 ms. */
  orphanGraceMs?: number;
}

export type FilledPodManagerOptions = Required<PodManagerOptions>;

const silent: PodLogger = { info() {}, warn() {}, error() {} };

function firstHostIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

export function withDefaults(options: PodManagerOptions): FilledPodManagerOptions {
  const filled: FilledPodManagerOptions = {
    log: silent,
    clock: { now: Date.now },
    hostIP: options.hostIP ?? firstHostIPv4(),
    sandboxImage: '',
    crashBackoffBaseMs: 10_000,
    crashBackoffMaxMs: 300_000,
    imageBackoffBaseMs: 10_000,
    imageBackoffMaxMs: 300_000,
    resyncIntervalMs: 60_000,
    orphanGraceMs: 120_000,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as FilledPodManagerOptions;
  if (!filled.runtime)
    throw new InvalidOptionsError(
      'PodManager option runtime is required: pass a DockerRuntime or SimulatedRuntime',
      {},
    );
  if (!filled.nodeName || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(filled.nodeName)) {
    throw new InvalidOptionsError(
      `PodManager option nodeName "${filled.nodeName}" must be a DNS subdomain, e.g. edge-1`,
      { nodeName: filled.nodeName },
    );
  }
  if (typeof filled.resolve !== 'function')
    throw new InvalidOptionsError('PodManager option resolve must be a function (kind, namespace, name) => object', {});
  if (!filled.volumeDir || !isAbsolute(filled.volumeDir)) {
    throw new InvalidOptionsError(
      `PodManager option volumeDir "${filled.volumeDir}" must be an absolute path, e.g. /var/lib/kedge`,
      {},
    );
  }
  for (const key of [
    'crashBackoffBaseMs',
    'crashBackoffMaxMs',
    'imageBackoffBaseMs',
    'imageBackoffMaxMs',
    'orphanGraceMs',
  ] as const) {
    if (!Number.isFinite(filled[key]) || filled[key] <= 0) {
      throw new InvalidOptionsError(
        `PodManager option ${key} must be a positive number of milliseconds, got ${String(filled[key])}`,
        { key },
      );
    }
  }
  if (!Number.isFinite(filled.resyncIntervalMs) || filled.resyncIntervalMs < 0) {
    throw new InvalidOptionsError(
      `PodManager option resyncIntervalMs must be >= 0 ms (0 turns resync off), got ${filled.resyncIntervalMs}`,
      {},
    );
  }
  return filled;
}
