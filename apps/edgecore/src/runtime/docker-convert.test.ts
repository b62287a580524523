import { describe, expect, it } from 'vitest';
import { containerCreateOptions, demuxExecOutput, sandboxCreateOptions, toIsoTime } from './docker-convert';
import { parseDockerEvent } from './docker-events';
import { fromLabelMap, LABEL, toLabelMap } from './labels';
import type { ContainerLabels } from './types';

const labels: ContainerLabels = {
  nodeName: 'n',
  podUid: 'u',
  podName: 'p',
  podNamespace: 'ns',
  containerName: 'c',
  kind: 'app',
  restartCount: 2,
  specHash: 'h',
};

describe('docker conversions', () => {
  it('round-trips labels and ignores foreign containers', () => {
    expect(fromLabelMap(toLabelMap(labels))).toEqual(labels);
    expect(fromLabelMap({ 'com.example': 'x' })).toBeUndefined();
    expect(fromLabelMap({ ...toLabelMap(labels), [LABEL.kind]: 'weird' })).toBeUndefined();
  });

  it('reads Docker times to the millisecond, zero time as never', () => {
    expect(toIsoTime('2026-11-27T09:11:07.036120086Z')).toBe('2026-11-27T09:11:07.036Z');
    expect(toIsoTime('0001-01-01T00:00:00Z')).toBeUndefined();
  });

  it('keeps Kubernetes command/args semantics and joins the sandbox network', () => {
    const base = {
      name: 'x',
      image: 'i',
      labels,
      env: ['A=1'],
      mounts: [{ hostPath: '/h', containerPath: '/c', readOnly: true }],
      sandboxId: 'sb',
    };
    const commandOnly = containerCreateOptions({ ...base, entrypoint: ['sh'] });
    expect(commandOnly.Entrypoint).toEqual(['sh']);
    expect(commandOnly.Cmd).toEqual([]);
    expect(containerCreateOptions({ ...base, cmd: ['x'] })).not.toHaveProperty('Entrypoint');
    expect(commandOnly.HostConfig).toMatchObject({ NetworkMode: 'container:sb', Binds: ['/h:/c:ro'] });
    const sb = sandboxCreateOptions({
      name: 's',
      image: 'i',
      labels,
      hostname: 'p',
      hostNetwork: false,
      ports: [
        { containerPort: 80, protocol: 'TCP', hostPort: 8080 },
        { containerPort: 53, protocol: 'UDP' },
      ],
    });
    expect(sb.HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostPort: '8080' }] });
    expect(sb.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    // The sandbox only sleeps: no log file, and an app container never sets its own log driver.
    expect(sb.HostConfig?.LogConfig).toEqual({ Type: 'none', Config: {} });
    expect(commandOnly.HostConfig).not.toHaveProperty('LogConfig');
  });

  it('gives a sandbox on the pod bridge no Docker network, and its address as a label', () => {
    const spec = { name: 's', image: 'i', labels, hostname: 'p', hostNetwork: false, ports: [] };
    const bridged = sandboxCreateOptions(spec, '10.88.0.7');
    expect(bridged.NetworkDisabled).toBe(true);
    expect(bridged.HostConfig?.NetworkMode).toBe('none');
    expect(bridged.Labels?.[LABEL.podIp]).toBe('10.88.0.7');
    const onDocker = sandboxCreateOptions(spec);
    expect(onDocker).not.toHaveProperty('NetworkDisabled');
    expect(onDocker.HostConfig?.NetworkMode).toBe('bridge');
    expect(onDocker.Labels).not.toHaveProperty(LABEL.podIp);
  });

  it('demultiplexes exec output and caps it', () => {
    const header = (stream: number, text: string): Buffer => {
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([head, Buffer.from(text)]);
    };
    const raw = Buffer.concat([header(1, 'out\n'), header(2, 'err\n')]);
    expect(demuxExecOutput(raw, 1024)).toBe('out\nerr\n');
    expect(demuxExecOutput(raw, 3)).toBe('out');
  });

  it('parses the events Kedge watches', () => {
    const line = JSON.stringify({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { [LABEL.podUid]: 'u' } },
    });
    expect(parseDockerEvent(line)).toEqual({ kind: 'die', containerId: 'abc', podUid: 'u' });
    expect(parseDockerEvent(JSON.stringify({ Action: 'attach', Actor: { ID: 'x' } }))).toBeUndefined();
    expect(parseDockerEvent('{broken')).toBeUndefined();
  });
});
