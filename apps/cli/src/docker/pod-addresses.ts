// Pod addresses edgecore claimed on its bridge: one file per address in
// <claimsRoot>/<bridge>/, named by the address, holding "node\nsandbox\n".
// Containers removed behind edgecore's back (reset, `kedge up` teardown)
// must give their addresses back here.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_CLAIMS_ROOT = '/var/lib/kedge/ipam';
export const POD_IP_LABEL = 'io.kedge.pod.ip';

async function holderOf(file: string): Promise<{ node: string; sandbox: string } | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const [node = '', sandbox = ''] = text.split('\n');
  return { node, sandbox };
}

/** Frees every address `nodeName` holds on `bridge`; returns how many. */
export async function releaseNodeAddresses(claimsRoot: string, bridge: string, nodeName: string): Promise<number> {
  const dir = join(claimsRoot, bridge);
  let freed = 0;
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    if ((await holderOf(join(dir, file)))?.node !== nodeName) continue;
    await rm(join(dir, file), { force: true });
    freed++;
  }
  return freed;
}

/** Frees the addresses of these sandboxes (engine name and address label), on whichever bridge holds them. */
export async function releaseSandboxAddresses(
  claimsRoot: string,
  sandboxes: readonly { name: string; ip: string }[],
): Promise<number> {
  if (sandboxes.length === 0) return 0;
  const bridges = await readdir(claimsRoot).catch(() => [] as string[]);
  let freed = 0;
  for (const { name, ip } of sandboxes) {
    for (const bridge of bridges) {
      const file = join(claimsRoot, bridge, ip);
      if ((await holderOf(file))?.sandbox !== name) continue;
      await rm(file, { force: true });
      freed++;
    }
  }
  return freed;
}
