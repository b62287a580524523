import type { ContainerInfo, ContainerKind } from '../runtime';
import type {
  ConditionType,
  Container,
  ContainerStateK8s,
  ContainerStateTerminated,
  ContainerStateWaiting,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
  PodStatus,
} from './kube-types';
import { qosClass } from './qos';

// Pod status computed from what the runtime reports, with kubelet's rules
// for container states, phase and conditions. Pure: no I/O, no clock.

export interface StatusInput {
  pod: Pod;
  /** All containers of the pod known to the runtime, sandbox included. */
  instances: readonly ContainerInfo[];
  /** Why a container is not running now (ErrImagePull, CrashLoopBackOff, …), by container name. */
  waiting: ReadonlyMap<string, ContainerStateWaiting>;
  /** Probe verdicts of running containers, by container id. */
  probes: ReadonlyMap<string, { ready: boolean; started: boolean }>;
  runtimeName: string;
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  /** Previous conditions, to keep lastTransitionTime while a status holds. */
  previous: ReadonlyMap<ConditionType, PodCondition>;
  nowIso: string;
}

/** Instances of one container, newest (highest restart count) first. */
export function instancesOf(instances: Iterable<ContainerInfo>, name: string, kind: ContainerKind): ContainerInfo[] {
  const out: ContainerInfo[] = [];
  for (const i of instances) if (i.labels.kind === kind && i.labels.containerName === name) out.push(i);
  return out.sort((a, b) => b.labels.restartCount - a.labels.restartCount || (a.createdAt < b.createdAt ? 1 : -1));
}

/** Kubernetes timestamps have second precision. */
export function kubeTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

export function terminatedState(inst: ContainerInfo, runtimeName: string): ContainerStateTerminated {
  const { state } = inst;
  const reason = state.oomKilled
    ? 'OOMKilled'
    : state.error
      ? 'StartError'
      : state.exitCode === 0
        ? 'Completed'
        : 'Error';
  return {
    exitCode: state.exitCode,
    reason,
    ...(state.error ? { message: state.error } : {}),
    ...(state.startedAt ? { startedAt: kubeTime(state.startedAt) } : {}),
    ...(state.finishedAt ? { finishedAt: kubeTime(state.finishedAt) } : {}),
    containerID: `${runtimeName}://${inst.id}`,
  };
}

function containerStatus(
  input: StatusInput,
  container: Container,
  kind: ContainerKind,
  defaultWaiting: string,
): ContainerStatus {
  const [latest, previous] = instancesOf(input.instances, container.name, kind);
  const waiting = input.waiting.get(container.name);
  let state: ContainerStateK8s;
  let lastState: ContainerStateK8s = previous ? { terminated: terminatedState(previous, input.runtimeName) } : {};
  if (!latest) {
    state = { waiting: waiting ?? { reason: defaultWaiting } };
    lastState = {};
  } else if (latest.state.status === 'running') {
    state = { running: latest.state.startedAt ? { startedAt: kubeTime(latest.state.startedAt) } : {} };
  } else if (waiting) {
    state = { waiting };
    lastState = { terminated: terminatedState(latest, input.runtimeName) };
  } else {
    state = { terminated: terminatedState(latest, input.runtimeName) };
  }
  const verdict = latest && state.running ? input.probes.get(latest.id) : undefined;
  const running = Boolean(state.running);
  return {
    name: container.name,
    state,
    lastState,
    // An init container counts as ready once it completed; app containers while running and passing readiness.
    ready: kind === 'init' ? state.terminated?.exitCode === 0 : running && (verdict?.ready ?? true),
    started: running && (verdict?.started ?? true),
    restartCount: latest?.labels.restartCount ?? 0,
    image: container.image,
    imageID: latest?.imageRef ?? '',
    ...(latest ? { containerID: `${input.runtimeName}://${latest.id}` } : {}),
  };
}

export function podPhase(pod: Pod, init: ContainerStatus[], app: ContainerStatus[]): PodPhase {
  const policy = pod.spec.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    const failedBefore = (s.lastState.terminated?.exitCode ?? 0) !== 0;
    if (s.state.terminated) failedInit += s.state.terminated.exitCode !== 0 ? 1 : 0;
    else if (s.state.waiting && s.lastState.terminated) failedInit += failedBefore ? 1 : 0;
    else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function condition(
  input: StatusInput,
  type: ConditionType,
  ok: boolean,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = input.previous.get(type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: before?.status === status ? before.lastTransitionTime : input.nowIso,
    ...(reason && !ok ? { reason } : {}),
    ...(message && !ok ? { message } : {}),
  };
}

export function computeStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const initContainers = pod.spec.initContainers ?? [];
  const init = initContainers.map((c) => containerStatus(input, c, 'init', 'PodInitializing'));
  const initialized = init.every((s) => s.state.terminated?.exitCode === 0);
  const app = pod.spec.containers.map((c) =>
    containerStatus(input, c, 'app', initialized ? 'ContainerCreating' : 'PodInitializing'),
  );
  const phase = podPhase(pod, init, app);
  const unready = app.filter((s) => !s.ready).map((s) => s.name);
  const completed = phase === 'Succeeded';
  const readyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const incomplete = init.filter((s) => s.state.terminated?.exitCode !== 0).map((s) => s.name);
  const conditions = [
    condition(
      input,
      'Initialized',
      initialized || completed,
      'ContainersNotInitialized',
      `containers with incomplete status: [${incomplete.join(' ')}]`,
    ),
    condition(input, 'Ready', unready.length === 0 && !completed, readyReason, readyMessage),
    condition(input, 'ContainersReady', unready.length === 0 && !completed, readyReason, readyMessage),
    condition(input, 'PodScheduled', true),
  ];
  return {
    phase,
    conditions,
    ...(input.hostIP ? { hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] } : {}),
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(input.startTime ? { startTime: input.startTime } : {}),
    ...(initContainers.length > 0 ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
    qosClass: qosClass(pod),
  };
}
