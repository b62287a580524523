import type { MembershipDevice } from './types';

/** What makes a device need a restart: everything but its desired values. */
export function shapeKey(device: MembershipDevice): string {
  const properties = device.spec?.properties?.map(({ desired: _desired, ...rest }) => rest);
  return JSON.stringify({ spec: { ...device.spec, properties }, model: device.model });
}

/** Desired values carried in a membership device's twin. */
export function desiredOf(device: MembershipDevice): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, twin] of Object.entries(device.twin ?? {})) {
    if (twin?.expected?.value) out[name] = twin.expected.value;
  }
  return out;
}

/** Rejects with `onTimeout()` when `work` has not settled after `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
