// IP-level byte counts of the edge ⇄ cloud TCP connection on loopback: two
// iptables rules without a target only count packets (IP + TCP headers,
// TLS records, ACKs), which is what a metered link bills. Needs root; when
// iptables is unusable the benchmark reports socket counts only.
import { execFileSync } from 'node:child_process';

export interface IpCounts {
  /** edge → cloud (destination port = cloud port). */
  upBytes: number;
  upPackets: number;
  /** cloud → edge. */
  downBytes: number;
  downPackets: number;
}

export class LoopbackCounter {
  private readonly tag: string;
  private readonly rules: string[][];

  private constructor(port: number) {
    this.tag = `kedge-bench-bandwidth-${process.pid}`;
    this.rules = [
      ['INPUT', '-i', 'lo', '-p', 'tcp', '--dport', String(port), '-m', 'comment', '--comment', `${this.tag}-up`],
      ['INPUT', '-i', 'lo', '-p', 'tcp', '--sport', String(port), '-m', 'comment', '--comment', `${this.tag}-down`],
    ];
  }

  /** undefined (with the reason) when iptables cannot be used here. */
  static install(port: number): LoopbackCounter | string {
    const counter = new LoopbackCounter(port);
    try {
      for (const rule of counter.rules) execFileSync('iptables', ['-w', '-I', ...rule], { stdio: 'pipe' });
      process.once('exit', () => counter.remove());
      return counter;
    } catch (err) {
      return `iptables accounting unavailable: ${(err as Error).message.split('\n')[0]}`;
    }
  }

  read(): IpCounts {
    const out = execFileSync('iptables', ['-w', '-L', 'INPUT', '-n', '-v', '-x'], { encoding: 'utf8' });
    const counts: IpCounts = { upBytes: 0, upPackets: 0, downBytes: 0, downPackets: 0 };
    for (const line of out.split('\n')) {
      const [packets, bytes] = line.trim().split(/\s+/).map(Number);
      if (line.includes(`${this.tag}-up`)) Object.assign(counts, { upBytes: bytes, upPackets: packets });
      if (line.includes(`${this.tag}-down`)) Object.assign(counts, { downBytes: bytes, downPackets: packets });
    }
    return counts;
  }

  remove(): void {
    for (const rule of this.rules) {
      try {
        execFileSync('iptables', ['-w', '-D', ...rule], { stdio: 'pipe' });
      } catch {
        // Already gone.
      }
    }
  }
}

export function diff(after: IpCounts, before: IpCounts): IpCounts & { totalBytes: number } {
  const d = {
    upBytes: after.upBytes - before.upBytes,
    upPackets: after.upPackets - before.upPackets,
    downBytes: after.downBytes - before.downBytes,
    downPackets: after.downPackets - before.downPackets,
  };
  return { ...d, totalBytes: d.upBytes + d.downBytes };
}
