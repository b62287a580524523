import { describe, expect, it } from 'vitest';
import type { ContainerInfo, ContainerKind } from '../runtime';
import type { Pod, PodCondition, ConditionType } from './kube-types';
import { computeStatus, type StatusInput } from './status';

let n = 0;
function inst(
  name: string,
  kind: ContainerKind,
  state: Partial<ContainerInfo['state']>,
  restartCount = 0,
): ContainerInfo {
  n++;
  return {
    id: `id${n}`,
    name: `n${n}`,
    image: 'img:1',
    imageRef: 'docker://sha256:abc',
    labels: {
      nodeName: 'n',
      podUid: 'u',
      podName: 'p',
      podNamespace: 'default',
      containerName: name,
      kind,
      restartCount,
      specHash: 'h',
    },
    createdAt: `2026-01-01T00:00:0${n % 10}Z`,
    state: { status: 'running', exitCode: 0, oomKilled: false, startedAt: '2026-01-01T00:00:00Z', ...state },
  };
}

const exited = (exitCode: number): Partial<ContainerInfo['state']> => ({
  status: 'exited',
  exitCode,
  finishedAt: '2026-01-01T00:01:00Z',
});

function input(pod: Pod, instances: ContainerInfo[], extra: Partial<StatusInput> = {}): StatusInput {
  return {
    pod,
    instances,
    waiting: new Map(),
    probes: new Map(),
    runtimeName: 'docker',
    previous: new Map(),
    nowIso: '2026-01-01T00:02:00Z',
    ...extra,
  };
}

function pod(restartPolicy: Pod['spec']['restartPolicy'], init: string[] = []): Pod {
  return {
    metadata: { name: 'p', uid: 'u' },
    spec: {
      restartPolicy,
      containers: [{ name: 'a', image: 'img:1' }],
      initContainers: init.map((name) => ({ name, image: 'img:1' })),
    },
  };
}

describe('computeStatus', () => {
  it('is Pending with ContainerCreating before anything runs', () => {
    const s = computeStatus(input(pod('Always'), []));
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(s.conditions.find((c) => c.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a]',
    });
  });

  it('reports a running container with its previous instance as lastState', () => {
    const s = computeStatus(input(pod('Always'), [inst('a', 'app', exited(1), 0), inst('a', 'app', {}, 1)]));
    const a = s.containerStatuses[0];
    expect(s.phase).toBe('Running');
    expect(a).toMatchObject({
      ready: true,
      started: true,
      restartCount: 1,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(a?.containerID).toMatch(/^docker:\/\/id/);
  });

  it('shows CrashLoopBackOff as waiting with the last run as lastState', () => {
    const waiting = new Map([['a', { reason: 'CrashLoopBackOff', message: 'back-off 10s' }]]);
    const s = computeStatus(input(pod('Always'), [inst('a', 'app', exited(2), 3)], { waiting }));
    expect(s.containerStatuses[0]).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 2 } },
      restartCount: 3,
    });
    expect(s.phase).toBe('Running');
  });

  it.each([
    ['Never', 0, 'Succeeded'],
    ['Never', 1, 'Failed'],
    ['OnFailure', 0, 'Succeeded'],
    ['OnFailure', 1, 'Running'],
    ['Always', 0, 'Running'],
  ] as const)('restartPolicy %s with exit %i is %s', (policy, code, phase) => {
    expect(computeStatus(input(pod(policy), [inst('a', 'app', exited(code))])).phase).toBe(phase);
  });

  it('marks OOM kills and completed pods as kubelet does', () => {
    const s = computeStatus(input(pod('Never'), [inst('a', 'app', { ...exited(0), oomKilled: true })]));
    expect(s.containerStatuses[0]?.state.terminated?.reason).toBe('OOMKilled');
    expect(s.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('holds app containers in PodInitializing until init containers complete; Never + failed init is Failed', () => {
    const running = computeStatus(
      input(pod('Always', ['i1', 'i2']), [inst('i1', 'init', exited(0)), inst('i2', 'init', {})]),
    );
    expect(running.phase).toBe('Pending');
    expect(running.containerStatuses[0]?.state.waiting?.reason).toBe('PodInitializing');
    expect(running.initContainerStatuses?.map((c) => c.ready)).toEqual([true, false]);
    expect(running.conditions.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      message: 'containers with incomplete status: [i2]',
    });
    expect(computeStatus(input(pod('Never', ['i1']), [inst('i1', 'init', exited(1))])).phase).toBe('Failed');
    expect(computeStatus(input(pod('OnFailure', ['i1']), [inst('i1', 'init', exited(1))])).phase).toBe('Pending');
  });

  it('keeps lastTransitionTime while a condition holds and readiness follows probes', () => {
    const previous = new Map<ConditionType, PodCondition>([
      ['Ready', { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2025-12-31T00:00:00Z' }],
    ]);
    const a = inst('a', 'app', {});
    const probes = new Map([[a.id, { ready: false, started: true }]]);
    const notReady = computeStatus(input(pod('Always'), [a], { previous, probes }));
    expect(notReady.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2025-12-31T00:00:00Z');
    const ready = computeStatus(input(pod('Always'), [a], { previous }));
    expect(ready.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:02:00Z',
    });
  });
});
