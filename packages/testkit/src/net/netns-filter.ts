// iptables rules that make a namespace's veth lossy or cut. They live in two
// chains of the namespace's own filter table, so they vanish with the
// namespace and never touch the host's rules. Each change is one atomic
// iptables-restore that rewrites both chains.

export interface FilterState {
  /** Drop every packet on the veth (both directions). */
  cut: boolean;
  /** Drop this share of packets, 0..100, independently per direction. */
  lossPercent: number;
}

const inChain = 'KEDGE-IN';
const outChain = 'KEDGE-OUT';

/** iptables-restore --noflush input; `hook` adds the INPUT/OUTPUT jumps (first call only). */
export function filterRules(vethInNamespace: string, state: FilterState, hook: boolean): string {
  const lines = ['*filter', `:${inChain} - [0:0]`, `:${outChain} - [0:0]`];
  if (hook) {
    lines.push(`-A INPUT -i ${vethInNamespace} -j ${inChain}`, `-A OUTPUT -o ${vethInNamespace} -j ${outChain}`);
  }
  for (const chain of [inChain, outChain]) {
    if (state.cut) lines.push(`-A ${chain} -j DROP`);
    else if (state.lossPercent > 0) {
      const probability = (state.lossPercent / 100).toFixed(6);
      lines.push(`-A ${chain} -m statistic --mode random --probability ${probability} -j DROP`);
    }
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}
