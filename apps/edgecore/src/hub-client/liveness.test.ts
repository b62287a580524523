import { describe, expect, it } from 'vitest';
import { livenessFor } from './session';

describe('livenessFor', () => {
  const configured = { pingIntervalMs: 30_000, deadPeerTimeoutMs: 75_000 };

  it('uses the configured values until the cloud announces its ping interval', () => {
    expect(livenessFor(configured, 0)).toEqual({ pingAfterMs: 30_000, deadAfterMs: 75_000 });
  });

  it('stays quiet while the cloud pings: probes only when a cloud ping is overdue', () => {
    expect(livenessFor(configured, 30_000)).toEqual({ pingAfterMs: 36_000, deadAfterMs: 75_000 });
    expect(livenessFor(configured, 60_000)).toEqual({ pingAfterMs: 72_000, deadAfterMs: 150_000 });
  });

  it('never goes below the configured floor', () => {
    expect(livenessFor({ pingIntervalMs: 90_000, deadPeerTimeoutMs: 200_000 }, 10_000)).toEqual({
      pingAfterMs: 90_000,
      deadAfterMs: 200_000,
    });
  });
});
