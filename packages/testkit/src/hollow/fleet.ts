/**
 * Many hollow edge nodes in one process. The fleet knows identities and
 * schedules, not protocols: each node's agent comes from an injected
 * factory (bench and e2e pass edgecore's real hub client, store and pod
 * manager). One timer drives the staggered start and one the reconnect
 * churn, whatever the fleet size.
 */
import { setMaxListeners } from 'node:events';
import { HollowFleetError } from './errors';
import type { HollowIdentity } from './join';

/** What one hollow node reports; counters only grow. */
export interface HollowAgentStats {
  /** Welcomed by the cloud now. */
  readonly connected: boolean;
  /** The cloud finished sending the difference on the current connection. */
  readonly synced: boolean;
  /** Welcomed connections so far. */
  readonly connects: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Object frames received (stored or ignored as not newer). */
  readonly objectsReceived: number;
}

export interface HollowAgent {
  /** Starts the node; it runs until `signal` aborts or stop() is called. */
  start(signal: AbortSignal): void;
  /** Drops the cloud connection; the agent dials again by its own backoff. */
  reconnect(reason: string): void;
  stop(): Promise<void>;
  stats(): HollowAgentStats;
}

export type HollowAgentFactory = (identity: HollowIdentity) => HollowAgent;

export interface HollowFleetOptions {
  identities: readonly HollowIdentity[];
  agentFactory: HollowAgentFactory;
  /** Nodes started per second during the ramp. Default 200. */
  startPerSecond?: number;
  /** Ramp timer period, ms. Default 100. */
  tickMs?: number;
}

export interface HollowFleetStats {
  readonly nodes: number;
  readonly started: number;
  readonly connected: number;
  readonly synced: number;
  readonly connects: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly objectsReceived: number;
}

export interface ChurnOptions {
  /** Reconnects per minute across the fleet. */
  reconnectsPerMinute: number;
  /** Timer period, ms. Default 1,000. */
  tickMs?: number;
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
}

export class HollowFleet {
  private readonly agents: HollowAgent[] = [];
  private readonly abort = new AbortController();
  private readonly startPerSecond: number;
  private readonly tickMs: number;
  private rampTimer: NodeJS.Timeout | undefined;
  private churnTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: HollowFleetOptions) {
    this.startPerSecond = options.startPerSecond ?? 200;
    this.tickMs = options.tickMs ?? 100;
    if (options.identities.length === 0) throw new HollowFleetError('a fleet needs at least one identity', {});
    if (!(this.startPerSecond > 0)) {
      throw new HollowFleetError(`startPerSecond must be > 0, got ${this.startPerSecond}`, {});
    }
    if (!(this.tickMs > 0)) throw new HollowFleetError(`tickMs must be > 0, got ${this.tickMs}`, {});
    setMaxListeners(0, this.abort.signal); // every agent listens to it
  }

  /** Starts the nodes at startPerSecond; resolves once every agent is started (not yet connected). */
  start(): Promise<void> {
    if (this.stopped) return Promise.reject(new HollowFleetError('the fleet was stopped', {}));
    const perTick = Math.max(1, Math.round((this.startPerSecond * this.tickMs) / 1000));
    const { identities, agentFactory } = this.options;
    return new Promise((resolve) => {
      const tick = () => {
        const end = Math.min(identities.length, this.agents.length + perTick);
        while (this.agents.length < end) {
          const agent = agentFactory(identities[this.agents.length] as HollowIdentity);
          this.agents.push(agent);
          agent.start(this.abort.signal);
        }
        if (this.agents.length >= identities.length || this.stopped) {
          clearInterval(this.rampTimer);
          resolve();
        }
      };
      this.rampTimer = setInterval(tick, this.tickMs);
      tick();
    });
  }

  /** Drops random nodes' connections at a steady rate until stopChurn() or stop(). */
  churn(options: ChurnOptions): void {
    const tickMs = options.tickMs ?? 1_000;
    const random = options.random ?? Math.random;
    if (!(options.reconnectsPerMinute > 0))
      throw new HollowFleetError(`reconnectsPerMinute must be > 0, got ${options.reconnectsPerMinute}`, {});
    this.stopChurn();
    let owed = 0;
    this.churnTimer = setInterval(() => {
      owed += (options.reconnectsPerMinute * tickMs) / 60_000;
      for (; owed >= 1 && this.agents.length > 0; owed--) {
        this.agents[Math.floor(random() * this.agents.length)]?.reconnect('hollow fleet churn');
      }
    }, tickMs);
  }

  stopChurn(): void {
    if (this.churnTimer) clearInterval(this.churnTimer);
    this.churnTimer = undefined;
  }

  /** Per node, in identity order (started nodes only). */
  nodeStats(): HollowAgentStats[] {
    return this.agents.map((a) => a.stats());
  }

  stats(): HollowFleetStats {
    let connected = 0;
    let synced = 0;
    let connects = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let objectsReceived = 0;
    for (const agent of this.agents) {
      const s = agent.stats();
      if (s.connected) connected++;
      if (s.synced) synced++;
      connects += s.connects;
      bytesIn += s.bytesIn;
      bytesOut += s.bytesOut;
      objectsReceived += s.objectsReceived;
    }
    return {
      nodes: this.options.identities.length,
      started: this.agents.length,
      connected,
      synced,
      connects,
      bytesIn,
      bytesOut,
      objectsReceived,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.rampTimer);
    this.stopChurn();
    this.abort.abort();
    await Promise.allSettled(this.agents.map((a) => a.stop()));
  }
}
