import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeOperationError } from '../../errors';
import { IpClaims } from './ip-claims';
import { parseSubnet } from './ipv4-subnet';

const dirs: string[] = [];
function claimsDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'kedge-claims-')), 'kedge0');
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

// /28: 14 host addresses, the bridge takes one, 13 for pods.
const subnet = parseSubnet('10.99.0.0/28', 'f');

describe('IpClaims', () => {
  it('hands out distinct addresses, shared with another node on the same host', () => {
    const dir = claimsDir();
    const a = new IpClaims(dir, subnet, 'node-a');
    const b = new IpClaims(dir, subnet, 'node-b');
    a.reconcile(new Set());
    b.reconcile(new Set());
    const got = [a.claim('sb-1'), b.claim('sb-2'), a.claim('sb-3')];
    expect(new Set(got).size).toBe(3);
    expect(got.every((ip) => ip.startsWith('10.99.0.'))).toBe(true);
    expect(readFileSync(join(dir, got[1] as string), 'utf8')).toBe('node-b\nsb-2\n');
  });

  it('says the subnet is full, then reuses an address once it is released', () => {
    const claims = new IpClaims(claimsDir(), subnet, 'n');
    claims.reconcile(new Set());
    const all = Array.from({ length: 13 }, (_, i) => claims.claim(`sb-${i}`));
    expect(all[0]).toBe('10.99.0.2');
    expect(all[12]).toBe('10.99.0.14');
    expect(() => claims.claim('one-more')).toThrow(RuntimeOperationError);
    expect(() => claims.claim('one-more')).toThrow(/10.99.0.0\/28 has no free address.*runtime.podSubnet/);
    claims.release('10.99.0.7', 'sb-5');
    expect(claims.claim('one-more')).toBe('10.99.0.7');
  });

  it('releases only what the same node and sandbox hold', () => {
    const dir = claimsDir();
    const mine = new IpClaims(dir, subnet, 'mine');
    const other = new IpClaims(dir, subnet, 'other');
    mine.reconcile(new Set());
    const ip = mine.claim('sb-1');
    other.release(ip, 'sb-1');
    mine.release(ip, 'sb-2');
    expect(readdirSync(dir)).toEqual([ip]);
    mine.release(ip, 'sb-1');
    expect(readdirSync(dir)).toEqual([]);
    mine.release(ip, 'sb-1'); // twice is fine
  });

  it("frees this node's claims whose sandbox is gone, and nobody else's", () => {
    const dir = claimsDir();
    const before = new IpClaims(dir, subnet, 'n');
    before.reconcile(new Set());
    const kept = before.claim('alive');
    before.claim('crashed-before-create');
    new IpClaims(dir, subnet, 'other-node').claim('theirs');
    writeFileSync(join(dir, 'not-an-address'), 'x');
    const after = new IpClaims(dir, subnet, 'n');
    expect(after.reconcile(new Set(['alive']))).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([kept, '10.99.0.4', 'not-an-address'].sort());
  });
});
