import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reset } from './reset';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function joinedNode(runtime: string) {
  const root = mkdtempSync(join(tmpdir(), 'kedge-reset-'));
  roots.push(root);
  const dataDir = join(root, 'node');
  mkdirSync(dataDir);
  // A socket nobody serves: reset leaves containers alone and says so.
  writeFileSync(join(dataDir, 'edgecore.yaml'), `nodeName: edge-1\nruntime: ${runtime}\n`);
  const claims = join(root, 'ipam', 'br7');
  mkdirSync(claims, { recursive: true });
  writeFileSync(join(claims, '10.88.0.2'), 'edge-1\nkedge_POD_a\n');
  writeFileSync(join(claims, '10.88.0.3'), 'edge-2\nkedge_POD_b\n');
  writeFileSync(join(claims, '10.88.0.4'), 'edge-1\nkedge_POD_c\n');
  const lines: string[] = [];
  const out = { data: (l: string) => lines.push(l), info: (l: string) => lines.push(l) };
  return { root, dataDir, claims, lines, out };
}

describe('kedge reset', () => {
  it("frees the node's pod addresses on its bridge and nobody else's", async () => {
    const node = joinedNode('{ type: docker, dockerSocket: /nonexistent/docker.sock, bridge: br7 }');
    await reset({ dataDir: node.dataDir, yes: true, claimsRoot: join(node.root, 'ipam') }, node.out);
    expect(readdirSync(node.claims)).toEqual(['10.88.0.3']);
    expect(node.lines).toContain('freed 2 pod address(es) of node edge-1 on bridge br7');
    expect(existsSync(node.dataDir)).toBe(false);
  });

  it("leaves claims alone for a node whose pods use Docker's network", async () => {
    const node = joinedNode(
      '{ type: docker, dockerSocket: /nonexistent/docker.sock, podNetwork: docker, bridge: br7 }',
    );
    await reset({ dataDir: node.dataDir, yes: true, claimsRoot: join(node.root, 'ipam') }, node.out);
    expect(readdirSync(node.claims)).toHaveLength(3);
  });
});
