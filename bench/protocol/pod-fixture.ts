/**
 * A Pod as a Deployment's ReplicaSet creates it and the API server returns it
 * after the kubelet reported status: managedFields of two managers,
 * last-applied-configuration copied from the template, full status.
 */
export function deploymentPod(index = 0): Record<string, unknown> {
  const name = `toll-gateway-7d9c6b5f8d-${(10000 + index).toString(36)}`;
  const uid = `5f0c7a2e-${(1000 + (index % 9000)).toString().padStart(4, '0')}-4c1e-9b7a-2d3e4f5a6b7c`;
  const labels = {
    app: 'toll-gateway',
    'pod-template-hash': '7d9c6b5f8d',
    'kedge.io/section': 'g4-section-12',
    tier: 'edge',
  };
  const container = {
    name: 'gateway',
    image: 'registry.example.net/toll/gateway:4.12.3',
    imagePullPolicy: 'IfNotPresent',
    args: ['--listen=:8080', '--lane-controller=modbus://127.0.0.1:502', '--upstream=https://section-12.example.net'],
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ],
    env: [
      { name: 'GANTRY_ID', value: 'G4-12-0371' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/gateway', readOnly: true },
      { name: 'kube-api-access-x2x7q', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  const managed = (manager: string, operation: string, subresource: string | undefined, fields: unknown) => ({
    manager,
    operation,
    apiVersion: 'v1',
    time: '2026-11-20T08:14:03Z',
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: 'toll-gateway-7d9c6b5f8d-',
      namespace: 'toll',
      uid,
      resourceVersion: String(4_812_337 + index),
      creationTimestamp: '2026-11-20T08:14:03Z',
      selfLink: `/api/v1/namespaces/toll/pods/${name}`,
      labels,
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration':
          '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"toll-gateway","namespace":"toll"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"toll-gateway"}},"template":{"metadata":{"labels":{"app":"toll-gateway","tier":"edge"}},"spec":{"containers":[{"image":"registry.example.net/toll/gateway:4.12.3","name":"gateway"}]}}}}\n',
        'deployment.kubernetes.io/revision': '7',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9100',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'toll-gateway-7d9c6b5f8d',
          uid: '0b9d2c4e-7a61-4f0e-8d3c-1e2f3a4b5c6d',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        managed('kube-controller-manager', 'Update', undefined, {
          'f:metadata': {
            'f:generateName': {},
            'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {}, 'f:tier': {}, 'f:kedge.io/section': {} },
            'f:ownerReferences': { '.': {}, 'k:{"uid":"0b9d2c4e-7a61-4f0e-8d3c-1e2f3a4b5c6d"}': {} },
          },
          'f:spec': {
            'f:containers': {
              'k:{"name":"gateway"}': {
                '.': {},
                'f:args': {},
                'f:env': {
                  '.': {},
                  'k:{"name":"GANTRY_ID"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                  'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                },
                'f:image': {},
                'f:imagePullPolicy': {},
                'f:livenessProbe': { '.': {}, 'f:httpGet': { '.': {}, 'f:path': {}, 'f:port': {}, 'f:scheme': {} } },
                'f:name': {},
                'f:ports': {
                  '.': {},
                  'k:{"containerPort":8080,"protocol":"TCP"}': {
                    '.': {},
                    'f:containerPort': {},
                    'f:name': {},
                    'f:protocol': {},
                  },
                },
                'f:resources': {
                  '.': {},
                  'f:limits': { '.': {}, 'f:cpu': {}, 'f:memory': {} },
                  'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} },
                },
                'f:volumeMounts': {
                  '.': {},
                  'k:{"mountPath":"/etc/gateway"}': { '.': {}, 'f:mountPath': {}, 'f:name': {}, 'f:readOnly': {} },
                },
              },
            },
            'f:dnsPolicy': {},
            'f:enableServiceLinks': {},
            'f:restartPolicy': {},
            'f:schedulerName': {},
            'f:securityContext': {},
            'f:terminationGracePeriodSeconds': {},
            'f:volumes': {
              '.': {},
              'k:{"name":"config"}': {
                '.': {},
                'f:configMap': { '.': {}, 'f:defaultMode': {}, 'f:name': {} },
                'f:name': {},
              },
            },
          },
        }),
        managed('kubelet', 'Update', 'status', {
          'f:status': {
            'f:conditions': {
              'k:{"type":"ContainersReady"}': {
                '.': {},
                'f:lastProbeTime': {},
                'f:lastTransitionTime': {},
                'f:status': {},
                'f:type': {},
              },
              'k:{"type":"Initialized"}': {
                '.': {},
                'f:lastProbeTime': {},
                'f:lastTransitionTime': {},
                'f:status': {},
                'f:type': {},
              },
              'k:{"type":"Ready"}': {
                '.': {},
                'f:lastProbeTime': {},
                'f:lastTransitionTime': {},
                'f:status': {},
                'f:type': {},
              },
            },
            'f:containerStatuses': {},
            'f:hostIP': {},
            'f:phase': {},
            'f:podIP': {},
            'f:podIPs': { '.': {}, 'k:{"ip":"10.244.3.17"}': { '.': {}, 'f:ip': {} } },
            'f:startTime': {},
          },
        }),
      ],
    },
    spec: {
      volumes: [
        { name: 'config', configMap: { name: 'toll-gateway-config', defaultMode: 420 } },
        {
          name: 'kube-api-access-x2x7q',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                },
              },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [container],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: 'gantry-g4-12-0371',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T08:14:03Z' },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T08:14:09Z' },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T08:14:09Z' },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T08:14:03Z' },
      ],
      hostIP: '192.168.31.17',
      podIP: '10.244.3.17',
      podIPs: [{ ip: '10.244.3.17' }],
      startTime: '2026-11-20T08:14:03Z',
      containerStatuses: [
        {
          name: 'gateway',
          state: { running: { startedAt: '2026-11-20T08:14:08Z' } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: 'registry.example.net/toll/gateway:4.12.3',
          imageID:
            'docker-pullable://registry.example.net/toll/gateway@sha256:9f2b8c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
          containerID: 'docker://3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b',
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}
