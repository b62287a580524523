/** Counters of the hub client, read by /metrics. */
export interface HubStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Frames that failed to decode or made no sense; each closed its connection. */
  malformedFrames: number;
  objectsApplied: number;
  objectsIgnored: number;
  objectsDeleted: number;
  statusSent: number;
  statusAcked: number;
  connects: number;
  disconnects: number;
  renewals: number;
  /** Handler calls that threw; the object stays stored, the error is logged. */
  handlerErrors: number;
}

export function newHubStats(): HubStats {
  return {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    malformedFrames: 0,
    objectsApplied: 0,
    objectsIgnored: 0,
    objectsDeleted: 0,
    statusSent: 0,
    statusAcked: 0,
    connects: 0,
    disconnects: 0,
    renewals: 0,
    handlerErrors: 0,
  };
}
