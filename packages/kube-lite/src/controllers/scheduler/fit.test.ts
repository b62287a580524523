import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api';
import { feasibleNodesToFind, filterNode, podFacts, scoreNode, unschedulableMessage } from './fit';
import { NodeCache } from './node-cache';

const node = (name: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  spec: extra,
  status: { allocatable: { cpu: '1', memory: '1Gi', pods: '2' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec,
});
const facts = podFacts;

describe('filters', () => {
  const cache = new NodeCache();
  cache.onNode('ADDED', node('plain'));
  cache.onNode('ADDED', node('tainted', { taints: [{ key: 'edge', value: 'yes', effect: 'NoSchedule' }] }));
  cache.onNode('ADDED', node('cordoned', { unschedulable: true }));
  cache.onNode('ADDED', node('ssd', {}, { disk: 'ssd' }));
  const info = (name: string) => cache.nodes.get(name)!;

  it('says why a node does not fit, in Kubernetes words', () => {
    const big = facts(pod({ containers: [{ resources: { requests: { cpu: '2', memory: '2Gi' } } }] }));
    expect(filterNode(big, info('plain'))).toEqual(['Insufficient cpu', 'Insufficient memory']);
    expect(filterNode(big, info('tainted'))).toEqual(['node(s) had untolerated taint {edge: yes}']);
    expect(filterNode(big, info('cordoned'))).toEqual(['node(s) were unschedulable']);
    const picky = facts(pod({ containers: [{}], nodeSelector: { disk: 'ssd' } }));
    expect(filterNode(picky, info('plain'))).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    expect(filterNode(picky, info('ssd'))).toEqual([]);
    const tolerant = facts(pod({ containers: [{}], tolerations: [{ key: 'edge', operator: 'Exists' }] }));
    expect(filterNode(tolerant, info('tainted'))).toEqual([]);
  });

  it('counts bound pods against allocatable pods and resources', () => {
    const bound = (name: string, cpu: string): KubeObject => ({
      ...pod({ nodeName: 'plain', containers: [{ resources: { requests: { cpu } } }] }),
      metadata: { name, namespace: 'ns' },
    });
    cache.onPod('ADDED', bound('a', '600m'));
    const small = facts(pod({ containers: [{ resources: { requests: { cpu: '500m' } } }] }));
    expect(filterNode(small, info('plain'))).toEqual(['Insufficient cpu']);
    cache.onPod('ADDED', bound('b', '100m'));
    expect(filterNode(facts(pod({ containers: [{}] })), info('plain'))).toEqual(['Too many pods']);
    expect(cache.onPod('DELETED', bound('a', '600m'))).toBe('plain');
    expect(filterNode(small, info('plain'))).toEqual([]);
  });

  it('treats a node that is not Ready as tainted not-ready', () => {
    const sick = node('sick');
    (sick.status as { conditions: unknown[] }).conditions = [{ type: 'Ready', status: 'False' }];
    cache.onNode('ADDED', sick);
    expect(filterNode(facts(pod({ containers: [{}] })), info('sick'))).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
  });

  it('reads malformed scheduling fields as unmet instead of failing', () => {
    const odd = pod({
      containers: 'none',
      tolerations: 5,
      nodeSelector: 'x',
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: 'oops' } } },
    });
    expect(filterNode(facts(odd), info('plain'))).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });

  it('prefers the emptier node', () => {
    const p = facts(pod({ containers: [{ resources: { requests: { cpu: '100m' } } }] }));
    expect(scoreNode(p, info('ssd'))).toBeGreaterThan(scoreNode(p, info('plain')));
  });
});

describe('messages and sampling', () => {
  it('formats the histogram sorted, like the upstream scheduler', () => {
    const reasons = new Map([
      ['Insufficient cpu', 2],
      ["node(s) didn't match Pod's node affinity/selector", 1],
    ]);
    expect(unschedulableMessage(3, reasons)).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.",
    );
    expect(unschedulableMessage(0, new Map())).toBe('no nodes available to schedule pods');
  });

  it('looks at every node of small clusters and a share of big ones', () => {
    expect(feasibleNodesToFind(50)).toBe(50);
    expect(feasibleNodesToFind(1000)).toBe(420);
    expect(feasibleNodesToFind(100_000)).toBe(5000);
  });
});
