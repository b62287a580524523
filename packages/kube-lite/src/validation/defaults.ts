// Defaults the API server fills in on create/update, the ones kubectl and
// controllers rely on (pod spec, workload strategies, namespace finalizer).
import type { KubeObject } from '../controllers/api';
import type { ResourceDef } from '../registry/types';
import { arr, rec } from '../tables/format';

type Obj = Record<string, unknown>;

const setDefault = (o: Obj, key: string, value: unknown): void => {
  if (o[key] === undefined || o[key] === null) o[key] = value;
};

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const lastPart = image.split('/').pop() ?? '';
  const tag = lastPart.includes('@') ? 'digest' : lastPart.includes(':') ? lastPart.split(':').pop() : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', imagePullPolicy(c.image));
  setDefault(c, 'resources', {});
  for (const p of arr(c.ports)) setDefault(rec(p), 'protocol', 'TCP');
}

export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)])
    if (c && typeof c === 'object') defaultContainer(c as Obj);
}

/** What DefaultTolerationSeconds admission adds: pods leave unreachable nodes after 300 s. */
function defaultTolerations(spec: Obj): void {
  const tolerations = arr(spec.tolerations).map(rec);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && t.effect === 'NoExecute'))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

function qosClass(spec: Obj): string {
  const containers = arr(spec.containers).map(rec);
  const resources = containers.map((c) => rec(c.resources));
  if (resources.every((r) => !Object.keys(rec(r.requests)).length && !Object.keys(rec(r.limits)).length))
    return 'BestEffort';
  const guaranteed = resources.every((r) => {
    const limits = rec(r.limits);
    const requests = rec(r.requests);
    return (
      limits.cpu !== undefined &&
      limits.memory !== undefined &&
      (requests.cpu ?? limits.cpu) === limits.cpu &&
      (requests.memory ?? limits.memory) === limits.memory
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultTemplate(spec: Obj): void {
  const template = rec(spec.template);
  spec.template = template;
  setDefault(template, 'metadata', {});
  setDefault(template, 'spec', {});
  defaultPodSpec(rec(template.spec));
}

function defaultService(o: KubeObject, services: () => KubeObject[]): void {
  const spec = rec(o.spec);
  o.spec = spec;
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.clusterIP === undefined && spec.type !== 'ExternalName') {
    const taken = new Set(services().map((s) => String(rec(s.spec).clusterIP)));
    let ip = '';
    for (let i = 1; i < 65_000 && !ip; i++) {
      const candidate = `10.43.${i >> 8}.${i & 255}`;
      if ((i & 255) !== 0 && !taken.has(candidate)) ip = candidate;
    }
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  for (const p of arr(spec.ports).map(rec)) {
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p.port);
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') allocateNodePorts(spec, services);
}

/** Node ports come from 30000-32767, as upstream's default range. */
function allocateNodePorts(spec: Obj, services: () => KubeObject[]): void {
  const missing = arr(spec.ports)
    .map(rec)
    .filter((p) => !p.nodePort);
  if (!missing.length) return;
  const taken = new Set(services().flatMap((s) => arr(rec(s.spec).ports).map((p) => rec(p).nodePort)));
  let next = 30000;
  for (const p of missing) {
    while (taken.has(next) && next < 32767) next++;
    p.nodePort = next;
    taken.add(next);
  }
}

export interface DefaultContext {
  /** The stored Services, read only when a Service needs an IP or node port. */
  services: () => KubeObject[];
}

/** Fills defaults in place; `creating` adds those only set on create (status seeds). */
export function applyDefaults(def: ResourceDef, o: KubeObject, creating: boolean, ctx: DefaultContext): void {
  if (def.fromCrd) return;
  const spec = rec(o.spec);
  switch (`${def.group}/${def.resource}`) {
    case '/pods':
      o.spec = spec;
      defaultPodSpec(spec);
      defaultTolerations(spec);
      if (creating) o.status = { phase: 'Pending', qosClass: qosClass(spec) };
      break;
    case '/namespaces':
      o.spec = spec;
      setDefault(spec, 'finalizers', ['kubernetes']);
      if (creating) o.status = { phase: 'Active' };
      break;
    case '/nodes':
      o.spec = spec;
      break;
    case '/secrets':
      setDefault(o, 'type', 'Opaque');
      break;
    case '/services':
      defaultService(o, ctx.services);
      if (creating) o.status = { loadBalancer: {} };
      break;
    case 'apps/deployments':
      o.spec = spec;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'strategy', {});
      setDefault(rec(spec.strategy), 'type', 'RollingUpdate');
      if (rec(spec.strategy).type === 'RollingUpdate')
        setDefault(rec(spec.strategy), 'rollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      defaultTemplate(spec);
      break;
    case 'apps/replicasets':
      o.spec = spec;
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'apps/daemonsets':
      o.spec = spec;
      setDefault(spec, 'updateStrategy', {});
      setDefault(rec(spec.updateStrategy), 'type', 'RollingUpdate');
      if (rec(spec.updateStrategy).type === 'RollingUpdate')
        setDefault(rec(spec.updateStrategy), 'rollingUpdate', { maxUnavailable: 1, maxSurge: 0 });
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultTemplate(spec);
      break;
    case 'apiextensions.k8s.io/customresourcedefinitions': {
      const names = rec(spec.names);
      setDefault(names, 'singular', String(names.kind ?? '').toLowerCase());
      setDefault(names, 'listKind', `${String(names.kind ?? '')}List`);
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      o.status = {
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            lastTransitionTime: now,
            reason: 'NoConflicts',
            message: 'no conflicts found',
          },
          {
            type: 'Established',
            status: 'True',
            lastTransitionTime: now,
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
        acceptedNames: names,
        storedVersions: arr(spec.versions)
          .map(rec)
          .filter((v) => v.storage === true)
          .map((v) => v.name),
      };
      break;
    }
  }
}
