import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_NAME_LABEL, POD_UID_LABEL, dockerReachable, removeNodeContainers } from './engine';
import { POD_IP_LABEL } from './pod-addresses';

const reachable = await dockerReachable();
const node = `cli-test-${randomBytes(4).toString('hex')}`;

function create(podUid: string, extra: string[] = []): string {
  return execFileSync(
    'docker',
    [
      'create',
      ...extra,
      '--label',
      `${NODE_NAME_LABEL}=${node}`,
      '--label',
      `${POD_UID_LABEL}=${podUid}`,
      'kedge.local/busybox:1',
      'sleep',
      '60',
    ],
    {
      encoding: 'utf8',
    },
  ).trim();
}

function existing(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=${NODE_NAME_LABEL}=${node}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

afterAll(() => {
  if (reachable) for (const id of existing()) execFileSync('docker', ['rm', '-f', id]);
});

describe.skipIf(!reachable)('docker engine (real Docker)', () => {
  it('removes only the containers of the given pods, then all of the node', async () => {
    const mine = create('uid-mine');
    const other = create('uid-other');
    const first = await removeNodeContainers([node], { podUids: new Set(['uid-mine']) });
    expect(first.removed).toEqual([mine]);
    expect(existing()).toEqual([other]);
    const rest = await removeNodeContainers([node]);
    expect(rest.removed).toEqual([other]);
    expect(existing()).toEqual([]);
  });

  it("frees the pod address a removed sandbox held on edgecore's bridge, and no other", async () => {
    const claimsRoot = mkdtempSync(join(tmpdir(), 'kedge-cli-claims-'));
    try {
      const sandbox = `kedge_POD_${node}`;
      create('uid-addressed', ['--name', sandbox, '--label', `${POD_IP_LABEL}=10.88.0.9`]);
      for (const [bridge, holder] of [
        ['kedge0', sandbox],
        ['other0', 'kedge_POD_someone-else'],
      ] as const) {
        mkdirSync(join(claimsRoot, bridge));
        writeFileSync(join(claimsRoot, bridge, '10.88.0.9'), `${node}\n${holder}\n`);
      }
      await removeNodeContainers([node], { claimsRoot });
      expect(existsSync(join(claimsRoot, 'kedge0', '10.88.0.9'))).toBe(false);
      expect(existsSync(join(claimsRoot, 'other0', '10.88.0.9'))).toBe(true);
    } finally {
      rmSync(claimsRoot, { recursive: true, force: true });
    }
  });
});

describe('docker engine unreachable', () => {
  it('reports an absent socket as unreachable and fails removal with a hint', async () => {
    expect(await dockerReachable('/nonexistent/docker.sock', 500)).toBe(false);
    await expect(removeNodeContainers(['n'], { socketPath: '/nonexistent/docker.sock' })).rejects.toThrow(
      /cannot list containers of node n/,
    );
  });
});
