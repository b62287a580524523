import { formatObjectKey } from '@kedge/protocol';
import type { Outbox } from '../metastore';
import type { Logger } from '../config';
import { buildNodeStatus, fingerprint, hostFacts, type HostFacts } from './info';

export interface NodeReporterOptions {
  nodeName: string;
  outbox: Outbox;
  maxPods: number;
  dataDir: string;
  agentVersion: string;
  /** e.g. docker://20.10.24; asked once at start. */
  runtimeVersion: () => Promise<string>;
  log: Logger;
  /** How often the host is looked at. Default 10,000 ms. */
  checkIntervalMs?: number;
  /** An unchanged status is still sent this often. Default 300,000 ms (5 min). */
  resendIntervalMs?: number;
  facts?: HostFacts;
}

/**
 * Queues the node's status in the outbox when it changes, and every
 * resendIntervalMs otherwise; coalescing keeps at most one queued. A
 * reconnect sends nothing of its own: a status that changed while offline
 * is already queued, and an acked one is still on the Node (cloudcore keeps
 * Ready itself), so a reconnect after a link blip costs no node status.
 */
export class NodeReporter {
  private lastPrint = '';
  private lastSentAt = 0;
  private runtimeVersion = '';
  private readonly readySince = new Date();

  constructor(private readonly options: NodeReporterOptions) {}

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.runtimeVersion = await this.options.runtimeVersion();
    this.report();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => this.report(), this.options.checkIntervalMs ?? 10_000);
      signal.addEventListener(
        'abort',
        () => {
          clearInterval(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Queues the status now if it changed or is due. */
  report(): void {
    if (!this.runtimeVersion) return;
    const now = new Date();
    const status = buildNodeStatus(
      {
        maxPods: this.options.maxPods,
        runtimeVersion: this.runtimeVersion,
        agentVersion: this.options.agentVersion,
        dataDir: this.options.dataDir,
        readySince: this.readySince,
        now,
      },
      this.options.facts ?? hostFacts,
    );
    const print = fingerprint(status);
    const due = now.getTime() - this.lastSentAt >= (this.options.resendIntervalMs ?? 300_000);
    if (!due && print === this.lastPrint) return;
    if (print !== this.lastPrint) this.options.log.debug('node status changed', { capacity: status.capacity });
    this.lastPrint = print;
    this.lastSentAt = now.getTime();
    const key = formatObjectKey({ kind: 'Node', namespace: '', name: this.options.nodeName });
    this.options.outbox.enqueue(key, 'nodeStatus', new TextEncoder().encode(JSON.stringify(status)));
  }
}
