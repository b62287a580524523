import { describe, expect, it } from 'vitest';
import type { Container } from './kube-types';
import { ContainerProbes } from './prober';

const container = (extra: Partial<Container>): Container => ({ name: 'c', image: 'i', ...extra });

describe('ContainerProbes', () => {
  it('waits initialDelaySeconds, then flips readiness after successThreshold / failureThreshold', () => {
    const p = new ContainerProbes(
      'id',
      container({
        readinessProbe: {
          exec: { command: ['true'] },
          initialDelaySeconds: 5,
          periodSeconds: 2,
          successThreshold: 2,
          failureThreshold: 2,
        },
      }),
      0,
      false,
    );
    expect(p.ready).toBe(false);
    expect(p.takeDue(4_000)).toEqual([]);
    expect(p.nextWakeMs()).toBe(5_000);
    const [track] = p.takeDue(5_000);
    expect(p.record(track!, true, '', 5_000)).toBe(false);
    expect(p.nextWakeMs()).toBe(7_000);
    expect(p.record(p.takeDue(7_000)[0]!, true, '', 7_000)).toBe(true);
    expect(p.ready).toBe(true);
    expect(p.record(p.takeDue(9_000)[0]!, false, 'no', 9_000)).toBe(false);
    expect(p.record(p.takeDue(11_000)[0]!, false, 'no', 11_000)).toBe(true);
    expect(p.ready).toBe(false);
    expect(p.failed).toBe(false);
  });

  it('holds liveness and readiness until the startup probe passes; liveness failure marks the container failed', () => {
    const p = new ContainerProbes(
      'id',
      container({
        startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
        livenessProbe: { httpGet: { port: 80 }, periodSeconds: 1, failureThreshold: 1 },
      }),
      0,
      false,
    );
    expect(p.started).toBe(false);
    const due = p.takeDue(0);
    expect(due.map((t) => t.kind)).toEqual(['startup']);
    expect(p.takeDue(0)).toEqual([]);
    expect(p.record(due[0]!, true, '', 0)).toBe(true);
    expect(p.started).toBe(true);
    expect(p.ready).toBe(true);
    const live = p.takeDue(1_000);
    expect(live.map((t) => t.kind)).toEqual(['liveness']);
    expect(p.record(live[0]!, false, 'HTTP probe returned 500', 1_000)).toBe(true);
    expect(p.failed).toBe(true);
    expect(p.failureMessage).toBe('Liveness probe failed: HTTP probe returned 500');
    expect(p.nextWakeMs()).toBeUndefined();
  });

  it('fails a container whose startup probe never passes, and keeps readiness seeded from before a restart', () => {
    const p = new ContainerProbes(
      'id',
      container({
        startupProbe: { exec: { command: ['false'] }, failureThreshold: 2 },
        readinessProbe: { exec: { command: ['true'] } },
      }),
      0,
      true,
    );
    p.record(p.takeDue(0)[0]!, false, 'exit code 1', 0);
    expect(p.failed).toBe(false);
    p.record(p.takeDue(10_000)[0]!, false, 'exit code 1', 10_000);
    expect(p.failureMessage).toBe('Startup probe failed: exit code 1');
    const seeded = new ContainerProbes('id', container({ readinessProbe: { exec: { command: ['true'] } } }), 0, true);
    expect(seeded.ready).toBe(true);
  });
});
