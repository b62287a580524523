/**
 * The HTTP CONNECT proxy for a cloud URL: the configured one, else
 * HTTPS_PROXY / https_proxy from the environment unless NO_PROXY matches the
 * host. Returns '' for a direct connection.
 */
export function proxyFor(target: string, configured: string, env: NodeJS.ProcessEnv = process.env): string {
  if (configured) return configured;
  const fromEnv = env.HTTPS_PROXY ?? env.https_proxy ?? '';
  if (!fromEnv) return '';
  const url = new URL(target);
  return bypassed(url.hostname, url.port, env.NO_PROXY ?? env.no_proxy ?? '') ? '' : fromEnv;
}

// NO_PROXY as curl reads it: '*', or a comma list of hosts, domain suffixes
// (with or without a leading dot) and host:port pairs.
function bypassed(host: string, port: string, noProxy: string): boolean {
  const bareHost = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [entryHost = '', entryPort] = entry.startsWith('[')
      ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
      : entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const suffix = entryHost.replace(/^\*?\./, '');
    if (bareHost === suffix || bareHost.endsWith(`.${suffix}`)) return true;
  }
  return false;
}
