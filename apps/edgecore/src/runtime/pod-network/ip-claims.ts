import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeOperationError } from '../../errors';
import { ipToNumber, numberToIp, type Ipv4Subnet } from './ipv4-subnet';

// Pod addresses as files in one host directory, one per address in use,
// created with O_EXCL: the claim is atomic, survives restarts and is shared
// by every edgecore on the host that uses the same bridge. Each file names
// the node and the sandbox holding the address.

export class IpClaims {
  /** Next address to try: addresses are handed out round-robin so a freed one is not reused at once. */
  private cursor: number;

  constructor(
    private readonly dir: string,
    private readonly subnet: Ipv4Subnet,
    private readonly nodeName: string,
  ) {
    this.cursor = subnet.first;
  }

  /** Claims a free address for `owner` (the sandbox's engine name). */
  claim(owner: string): string {
    const { first, last } = this.subnet;
    const count = last - first + 1;
    for (let tried = 0; tried < count; tried++) {
      const n = this.cursor;
      this.cursor = n >= last ? first : n + 1;
      const ip = numberToIp(n);
      let fd: number;
      try {
        fd = openSync(join(this.dir, ip), 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new RuntimeOperationError(`cannot claim pod address ${ip} in ${this.dir}: ${(error as Error).message}`, {
          dir: this.dir,
        });
      }
      try {
        writeSync(fd, `${this.nodeName}\n${owner}\n`);
      } finally {
        closeSync(fd);
      }
      return ip;
    }
    throw new RuntimeOperationError(
      `pod subnet ${this.subnet.cidr} has no free address (${count} in use, claims in ${this.dir}); use a larger runtime.podSubnet`,
      { subnet: this.subnet.cidr },
    );
  }

  /** Frees `ip` if `owner` of this node still holds it. */
  release(ip: string, owner: string): void {
    if (this.holder(ip) !== owner) return;
    try {
      unlinkSync(join(this.dir, ip));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /**
   * Makes the directory, then frees this node's claims whose sandbox no
   * longer exists (left by a crash between claim and create). Called before
   * the first claim.
   */
  reconcile(liveOwners: ReadonlySet<string>): number {
    mkdirSync(this.dir, { recursive: true });
    let freed = 0;
    for (const ip of readdirSync(this.dir)) {
      if (ipToNumber(ip) === undefined) continue;
      const owner = this.holder(ip);
      if (owner !== undefined && !liveOwners.has(owner)) {
        this.release(ip, owner);
        freed++;
      }
    }
    return freed;
  }

  /** The owner of `ip` when this node holds it. */
  private holder(ip: string): string | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, ip), 'utf8');
    } catch {
      return undefined;
    }
    const [node, owner] = text.split('\n');
    return node === this.nodeName && owner ? owner : undefined;
  }
}
