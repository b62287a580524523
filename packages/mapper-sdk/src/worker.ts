import { randomUUID } from 'node:crypto';
import {
  buildProperty,
  formatReported,
  parseDesired,
  type DeviceDriver,
  type DriverFactory,
  type MapperDevice,
  type MapperModel,
  type MapperProperty,
} from './driver';
import { DesiredValueError, DeviceConfigError, DriverTimeoutError } from './errors';
import type { ResolvedMapperOptions } from './options';
import { desiredOf, shapeKey, withTimeout } from './membership';
import { topics } from './topics';
import type { MembershipDevice } from './types';

type Publish = (topic: string, message: object) => void;

interface PropertyState {
  readonly property: MapperProperty;
  readonly collectMs: number;
  readonly reportMs: number;
  nextCollect: number;
  lastValue: string | undefined;
  lastReportAt: number;
}

/**
 * Runs one device: connects, polls each property at its collectCycle, reports
 * on change and at reportCycle, writes desired values, and reconnects with
 * exponential backoff when the device stops answering. All driver calls happen
 * in one loop, so a driver never sees two calls at once.
 */
export class DeviceWorker {
  readonly shape: string;
  private readonly driver: DeviceDriver;
  private readonly device: MapperDevice;
  private readonly model: MapperModel | undefined;
  private readonly props = new Map<string, PropertyState>();
  private readonly desired = new Map<string, string>();
  private readonly pendingWrites = new Set<string>();
  private state = 'unknown';
  private connected = false;
  private failedAttempts = 0;
  private failedReads = 0;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  /** spec.stateReport.reportCycle: state is sent again this often (heartbeat for lastOnlineTime); 0 = on change only. */
  private readonly stateEveryMs: number;
  private stateSentAt = 0;

  constructor(
    member: MembershipDevice,
    factory: DriverFactory,
    private readonly options: ResolvedMapperOptions,
    private readonly publish: Publish,
  ) {
    this.shape = shapeKey(member);
    this.device = {
      id: member.id,
      namespace: member.namespace ?? member.id.split('/')[0] ?? 'default',
      name: member.name,
      spec: member.spec ?? {},
    };
    this.model = member.model;
    for (const spec of this.device.spec.properties ?? []) {
      this.props.set(spec.name, {
        property: buildProperty(spec, this.model),
        collectMs: spec.collectCycle && spec.collectCycle > 0 ? spec.collectCycle : options.defaultCollectCycleMs,
        reportMs: spec.reportCycle && spec.reportCycle > 0 ? spec.reportCycle : options.defaultReportCycleMs,
        nextCollect: 0,
        lastValue: member.twin?.[spec.name]?.actual?.value,
        lastReportAt: 0,
      });
    }
    const stateCycle = this.device.spec.stateReport?.reportCycle;
    this.stateEveryMs = typeof stateCycle === 'number' && stateCycle > 0 ? stateCycle : 0;
    this.driver = factory(this.device);
    this.takeDesired(desiredOf(member));
  }

  get id(): string {
    return this.device.id;
  }

  start(): void {
    this.loopDone = this.loop().catch((error: unknown) =>
      this.options.log.error('device loop crashed', { device: this.id, error: String(error) }),
    );
  }

  /** New desired values (from a delta or a fresh membership answer); written on the next turn. */
  takeDesired(values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!this.props.has(name)) {
        this.options.log.warn('desired value for an unknown property ignored', { device: this.id, property: name });
        continue;
      }
      if (
        this.desired.get(name) === value &&
        !this.pendingWrites.has(name) &&
        this.props.get(name)?.lastValue === value
      )
        continue;
      this.desired.set(name, value);
      this.pendingWrites.add(name);
    }
    this.wakeUp?.();
  }

  /**
   * The bus came back (or edgecore restarted): send state again and report
   * every property at its next read, since reports made while the bus was
   * down were dropped.
   */
  resync(): void {
    for (const p of this.props.values()) p.lastReportAt = 0;
    if (this.state !== 'unknown') this.publishState();
  }

  /** Stops polling, reports `unknown` (nobody watches the device now) and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loopDone;
    this.setState('unknown');
    await this.driver.disconnect().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (!this.connected) {
        if (this.failedAttempts > 0) {
          await this.driver.disconnect().catch(() => undefined);
          await this.sleep(
            Math.min(this.options.initialBackoffMs * 2 ** (this.failedAttempts - 1), this.options.maxBackoffMs),
          );
        }
        if (this.stopped) return;
        if (!(await this.connect())) continue;
      }
      await this.writePending();
      await this.readDue();
      if (!this.connected || this.stopped || this.pendingWrites.size > 0) continue;
      if (this.stateEveryMs > 0 && Date.now() - this.stateSentAt >= this.stateEveryMs && this.state !== 'unknown')
        this.publishState();
      const stateDue = this.stateEveryMs > 0 ? this.stateSentAt + this.stateEveryMs : Infinity;
      const next = Math.min(stateDue, ...[...this.props.values()].map((p) => p.nextCollect));
      await this.sleep(Number.isFinite(next) ? Math.max(0, next - Date.now()) : this.options.defaultCollectCycleMs);
    }
  }

  private async connect(): Promise<boolean> {
    try {
      await this.call('connect', () => this.driver.connect(this.device, this.model));
    } catch (error) {
      this.failedAttempts++;
      this.options.log.warn('device connect failed', {
        device: this.id,
        attempt: this.failedAttempts,
        error: String(error),
      });
      this.setState('offline');
      return false;
    }
    this.connected = true;
    this.failedReads = 0;
    for (const p of this.props.values()) p.nextCollect = 0;
    // After a reconnect the device may have lost what we wrote: write desired values again.
    for (const name of this.desired.keys()) this.pendingWrites.add(name);
    if (this.props.size === 0) this.markAnswering();
    return true;
  }

  private async writePending(): Promise<void> {
    for (const name of [...this.pendingWrites]) {
      if (this.stopped || !this.connected) return;
      const state = this.props.get(name);
      const raw = this.desired.get(name);
      this.pendingWrites.delete(name);
      if (!state || raw === undefined) continue;
      let value;
      try {
        value = parseDesired(state.property, raw);
      } catch (error) {
        this.options.log.error('desired value refused', {
          device: this.id,
          property: name,
          error: (error as Error).message,
        });
        continue;
      }
      try {
        await this.call(`write ${name}`, () => this.driver.writeProperty(state.property, value));
        state.nextCollect = 0; // read back at once so the twin sees the new actual value
      } catch (error) {
        // A refused value is the manifest's fault, not a silent device: drop it, stay online.
        if (error instanceof DesiredValueError || error instanceof DeviceConfigError) {
          this.options.log.error('desired value refused by the driver', {
            device: this.id,
            property: name,
            value: raw,
            error: error.message,
          });
          continue;
        }
        this.pendingWrites.add(name);
        this.failed(`write ${name}`, error);
      }
    }
  }

  private async readDue(): Promise<void> {
    for (const state of this.props.values()) {
      if (this.stopped || !this.connected) return;
      const now = Date.now();
      if (state.nextCollect > now) continue;
      state.nextCollect = now + state.collectMs;
      let value;
      try {
        value = await this.call(`read ${state.property.name}`, () => this.driver.readProperty(state.property));
      } catch (error) {
        this.failed(`read ${state.property.name}`, error);
        continue;
      }
      this.markAnswering();
      this.report(state, formatReported(state.property, value));
    }
  }

  private report(state: PropertyState, value: string): void {
    const now = Date.now();
    if (state.property.device.reportToCloud === false) return;
    if (value === state.lastValue && now - state.lastReportAt < state.reportMs) return;
    state.lastValue = value;
    state.lastReportAt = now;
    this.publish(topics.twinUpdate(this.id), {
      event_id: randomUUID(),
      timestamp: now,
      twin: {
        [state.property.name]: {
          actual: { value, metadata: { timestamp: now } },
          metadata: { type: state.property.model?.type?.toLowerCase() ?? 'string' },
        },
      },
    });
  }

  private markAnswering(): void {
    this.failedAttempts = 0;
    this.failedReads = 0;
    this.setState('online');
  }

  private failed(what: string, error: unknown): void {
    this.failedReads++;
    this.options.log.warn('device did not answer', {
      device: this.id,
      op: what,
      failures: this.failedReads,
      error: String(error),
    });
    if (this.failedReads < this.options.failuresBeforeOffline) return;
    this.connected = false;
    this.failedAttempts++;
    this.setState('offline');
  }

  private setState(state: string): void {
    if (state === this.state) return;
    this.state = state;
    this.options.log.info('device state', { device: this.id, state });
    this.publishState();
  }

  private publishState(): void {
    this.stateSentAt = Date.now();
    this.publish(topics.stateUpdate(this.id), { event_id: randomUUID(), timestamp: Date.now(), state: this.state });
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const ms = this.options.operationTimeoutMs;
    return withTimeout(
      fn(),
      ms,
      () => new DriverTimeoutError(`${what} on ${this.id} took longer than ${ms} ms`, { device: this.id, op: what }),
    );
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
