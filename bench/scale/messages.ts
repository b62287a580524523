/** IPC between the scale benchmark and its hollow-node processes. */
import type { HollowFleetStats } from '@kedge/testkit';

export interface ChildConfig {
  readonly joinHost: string;
  readonly joinPort: number;
  readonly token: string;
  readonly nodeNames: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** wss://…/v1/connect the nodes dial. */
  readonly url: string;
  readonly startPerSecond: number;
  /** Edges offer permessage-deflate. */
  readonly compression: boolean;
}

export interface ChildStats extends HollowFleetStats {
  /** Nodes synced on a connection opened after the last mark. */
  readonly syncedSinceMark: number;
  /** Simulated containers started so far (a restart counts as a start). */
  readonly containerStarts: number;
  readonly rssBytes: number;
  /** CPU used since the previous stats answer, ms. */
  readonly cpuMs: number;
  /** The longest event-loop delay since the previous stats answer, ms. */
  readonly loopDelayMaxMs: number;
  /** The nodes' hub client warnings so far, by message (why they dropped or redialled). */
  readonly warnings: Readonly<Record<string, number>>;
}

export type ToChild =
  { type: 'start'; config: ChildConfig } | { type: 'stats'; id: number } | { type: 'mark' } | { type: 'stop' };

export type ToParent =
  | { type: 'started'; joinMs: number }
  | { type: 'stats'; id: number; stats: ChildStats }
  | { type: 'error'; message: string };
