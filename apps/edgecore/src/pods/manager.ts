import type { RuntimeEvent } from '../runtime';
import type { Pod, PodRef, PodStatus } from './kube-types';
import { withDefaults, type FilledPodManagerOptions, type PodManagerOptions } from './options';
import { newRecord, oldestContainerTime, podRef, type PodRecord } from './pod-record';
import { reconcile, refresh, syncContext, type SyncContext } from './pod-sync';
import { runProbes, trackProbes } from './probe-loop';
import { computeStatus, kubeTime } from './status';
import { validatePod } from './validate';
import { stopSandbox, teardownPod } from './teardown';
import { referencesObject, refreshVolumes } from './volumes';
import { WakeQueue } from './wake-queue';

export type StatusListener = (pod: PodRef, status: PodStatus) => void;
export type RemovedListener = (pod: PodRef) => void;

const isoSeconds = (ms: number): string => kubeTime(new Date(ms).toISOString());

/**
 * Runs the pods bound to this node on a ContainerRuntime and reports their
 * status, like a small kubelet. One wake-up queue drives back-offs and
 * probes; runtime events trigger syncs; a slow resync is the safety net.
 */
export class PodManager {
  private readonly options: FilledPodManagerOptions;
  private readonly records = new Map<string, PodRecord>();
  private readonly removals = new Map<string, Promise<void>>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly removedListeners = new Set<RemovedListener>();
  private readonly wake: WakeQueue;
  private readonly ctx: SyncContext;
  private runtimeName = 'docker';
  private started = false;
  private startedAtMs = 0;
  private unsubscribe?: () => void;
  private resyncTimer?: NodeJS.Timeout;

  constructor(options: PodManagerOptions) {
    this.options = withDefaults(options);
    const o = this.options;
    this.wake = new WakeQueue(
      (uid) => this.onWake(uid),
      () => o.clock.now(),
    );
    this.ctx = syncContext(o);
  }

  /** Listens to status changes (fired only when the computed status differs). Returns an unsubscribe function. */
  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Listens to pods whose containers and volumes are gone. Returns an unsubscribe function. */
  onRemoved(listener: RemovedListener): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** Last computed status of a pod. */
  status(uid: string): PodStatus | undefined {
    return this.records.get(uid)?.lastStatus;
  }

  /**
   * Finds this node's containers by their labels (running ones are adopted,
   * not restarted), subscribes to runtime events and reconciles every pod.
   * Resolves once running; work continues until stop() or the signal aborts.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.started) return;
    this.runtimeName = (await this.options.runtime.version()).name;
    this.started = true;
    this.startedAtMs = this.options.clock.now();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.unsubscribe = this.options.runtime.subscribe(this.options.nodeName, (event) => this.onRuntimeEvent(event));
    if (this.options.resyncIntervalMs > 0) {
      this.resyncTimer = setInterval(() => void this.resync(), this.options.resyncIntervalMs);
      this.resyncTimer.unref();
    }
    await this.resync();
  }

  /** Stops reconciling; containers keep running so a new manager can adopt them. */
  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.wake.stop();
    await Promise.allSettled([...this.records.values()].map((r) => r.syncing));
  }

  /** Adds or updates a pod bound to this node. A pod with deletionTimestamp is stopped and removed. */
  upsertPod(pod: Pod): void {
    validatePod(pod, this.options.nodeName);
    if (pod.metadata.deletionTimestamp) {
      this.removeInBackground(pod.metadata.uid, pod.metadata.deletionGracePeriodSeconds);
      return;
    }
    const existing = this.records.get(pod.metadata.uid);
    if (existing?.deleting) return;
    if (existing) {
      // Status echoes from the cloud re-send the same spec: nothing to do for them.
      const specChanged = JSON.stringify(existing.pod.spec) !== JSON.stringify(pod.spec);
      existing.pod = pod;
      existing.ref = podRef(pod);
      if (!specChanged) return;
      existing.volumesReady = false;
    } else {
      this.records.set(pod.metadata.uid, newRecord(pod));
    }
    this.requestSync(pod.metadata.uid);
  }

  /**
   * Stops the pod's containers (SIGTERM, SIGKILL after graceSeconds, default
   * the pod's terminationGracePeriodSeconds), removes them and the pod's
   * volumes, then fires onRemoved.
   */
  removePod(uid: string, graceSeconds?: number): Promise<void> {
    const running = this.removals.get(uid);
    if (running) return running;
    const rec = this.records.get(uid);
    if (rec) rec.deleting = true;
    const removal = this.remove(uid, rec, graceSeconds).finally(() => this.removals.delete(uid));
    this.removals.set(uid, removal);
    return removal;
  }

  /** A ConfigMap or Secret changed: rewrites volumes fed by it and retries containers waiting on it. */
  async configChanged(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<void> {
    const affected = [...this.records.values()].filter(
      (r) => r.ref.namespace === namespace && !r.deleting && referencesObject(r.pod, kind, name),
    );
    await Promise.all(
      affected.map(async (rec) => {
        try {
          if (rec.volumesReady) await refreshVolumes(rec.pod, this.options.volumeDir, this.options.resolve, kind, name);
        } catch (error) {
          this.options.log.warn('volume refresh failed', {
            pod: rec.ref.name,
            kind,
            name,
            error: (error as Error).message,
          });
          rec.volumesReady = false;
        }
        this.requestSync(rec.ref.uid);
      }),
    );
  }

  /** Removal nobody awaits; a failure is logged and retried at the next resync. */
  private removeInBackground(uid: string, graceSeconds?: number): void {
    this.removePod(uid, graceSeconds).catch((error: unknown) =>
      this.options.log.error('pod removal failed', { uid, error: (error as Error).message }),
    );
  }

  private async remove(uid: string, rec: PodRecord | undefined, graceSeconds: number | undefined): Promise<void> {
    this.wake.cancel(uid);
    await rec?.syncing?.catch(() => undefined);
    const ref = await teardownPod(this.ctx, uid, rec, graceSeconds);
    this.records.delete(uid);
    if (ref) this.emit(this.removedListeners, (l) => l(ref));
  }

  private requestSync(uid: string): void {
    const rec = this.records.get(uid);
    if (!this.started || !rec || rec.deleting) return;
    if (rec.syncing) {
      rec.dirty = true;
      return;
    }
    rec.syncing = (async () => {
      do {
        rec.dirty = false;
        await this.syncOnce(rec);
      } while (rec.dirty && this.started && !rec.deleting);
    })()
      .catch((error: unknown) => this.options.log.error('pod sync crashed', { uid, error: (error as Error).message }))
      .finally(() => {
        rec.syncing = undefined;
      });
  }

  private async syncOnce(rec: PodRecord): Promise<void> {
    try {
      await refresh(this.ctx, rec);
      if (rec.deleting) return;
      rec.startTime ??= oldestContainerTime(rec) ?? isoSeconds(this.options.clock.now());
      // Terminal pods start nothing again, not even a sandbox; check before and after acting.
      if (!rec.terminal && !this.finished(rec)) await reconcile(this.ctx, rec);
      rec.terminal ||= this.finished(rec);
      if (rec.terminal) await stopSandbox(this.ctx, rec);
    } catch (error) {
      this.options.log.error('pod sync failed', {
        pod: rec.ref.name,
        namespace: rec.ref.namespace,
        error: (error as Error).message,
      });
      rec.syncAtMs = this.options.clock.now() + this.options.crashBackoffBaseMs;
    }
    if (rec.deleting) return;
    trackProbes(rec);
    this.publish(rec);
    this.scheduleNext(rec);
  }

  private finished(rec: PodRecord): boolean {
    const phase = this.compute(rec).phase;
    return (phase === 'Succeeded' || phase === 'Failed') && (rec.pod.spec.restartPolicy ?? 'Always') !== 'Always';
  }

  private compute(rec: PodRecord): PodStatus {
    return computeStatus({
      pod: rec.pod,
      instances: [...rec.instances.values()],
      waiting: rec.waiting,
      probes: rec.probes,
      runtimeName: this.runtimeName,
      ...(rec.podIP ? { podIP: rec.podIP } : {}),
      hostIP: this.options.hostIP,
      ...(rec.startTime ? { startTime: rec.startTime } : {}),
      previous: rec.conditions,
      nowIso: isoSeconds(this.options.clock.now()),
    });
  }

  private publish(rec: PodRecord): void {
    const status = this.compute(rec);
    for (const c of status.conditions) rec.conditions.set(c.type, c);
    const json = JSON.stringify(status);
    if (json === rec.lastStatusJson) return;
    rec.lastStatusJson = json;
    rec.lastStatus = status;
    this.emit(this.statusListeners, (l) => l(rec.ref, status));
  }

  private scheduleNext(rec: PodRecord): void {
    let next = rec.syncAtMs;
    for (const probes of rec.probes.values()) {
      const at = probes.nextWakeMs();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next !== undefined && this.started) this.wake.schedule(rec.ref.uid, next);
  }

  private onWake(uid: string): void {
    const rec = this.records.get(uid);
    if (!rec || rec.deleting || !this.started) return;
    const now = this.options.clock.now();
    if (rec.syncAtMs !== undefined && rec.syncAtMs <= now) {
      this.requestSync(uid);
      return;
    }
    void runProbes(
      rec,
      this.options.runtime,
      () => this.options.clock.now(),
      (changed) => {
        if (rec.deleting || !this.started) return;
        if (changed.failed) this.requestSync(uid);
        else if (changed.any) this.publish(rec);
        this.scheduleNext(rec);
      },
    );
    this.scheduleNext(rec);
  }

  private onRuntimeEvent(event: RuntimeEvent): void {
    if (event.kind === 'resync') void this.resync();
    else if (event.podUid) {
      if (event.containerId) this.records.get(event.podUid)?.stale.add(event.containerId);
      this.requestSync(event.podUid);
    }
  }

  private async resync(): Promise<void> {
    if (!this.started) return;
    const { runtime, nodeName, orphanGraceMs, clock, log } = this.options;
    try {
      const containers = await runtime.listContainers({ nodeName });
      const orphans = new Set(containers.map((c) => c.labels.podUid).filter((uid) => !this.records.has(uid)));
      if (clock.now() - this.startedAtMs >= orphanGraceMs) {
        for (const uid of orphans) this.removeInBackground(uid, 0);
      }
    } catch (error) {
      log.error('runtime resync failed', { error: (error as Error).message });
    }
    for (const [uid, rec] of this.records) {
      if (rec.deleting) this.removeInBackground(uid);
      else this.requestSync(uid);
    }
  }

  private emit<T>(listeners: Set<T>, call: (listener: T) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (error) {
        this.options.log.error('pod listener threw', { error: (error as Error).message });
      }
    }
  }
}
