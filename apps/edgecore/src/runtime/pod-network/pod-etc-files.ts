import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// /etc/hosts and /etc/resolv.conf of a pod on the edge bridge. Docker writes
// them only for networks it manages, so edgecore writes them per sandbox and
// mounts them into each of the pod's containers, as kubelet does.

export const POD_ETC_FILES = ['hosts', 'resolv.conf'] as const;

/**
 * The host's resolver configuration without loopback name servers, which
 * mean nothing inside the pod's network namespace (systemd-resolved's stub
 * at 127.0.0.53, for one). Its upstream list is read instead when present.
 */
export function podResolvConf(readFile: (path: string) => string | undefined = readOptional): string {
  const text = readFile('/run/systemd/resolve/resolv.conf') ?? readFile('/etc/resolv.conf') ?? '';
  const kept = text
    .split('\n')
    .filter((line) => !/^\s*nameserver\s+(127\.|::1\s*$)/.test(line))
    .join('\n');
  return kept.endsWith('\n') ? kept : `${kept}\n`;
}

export function podHosts(ip: string, hostname: string): string {
  return ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `${ip}\t${hostname}`, ''].join('\n');
}

/** Writes the pod's files under `dir` and returns `dir`. */
export function writePodEtcFiles(dir: string, ip: string, hostname: string, resolvConf: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hosts'), podHosts(ip, hostname));
  writeFileSync(join(dir, 'resolv.conf'), resolvConf);
  return dir;
}

export function removePodEtcFiles(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
