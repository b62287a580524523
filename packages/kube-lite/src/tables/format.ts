// Cell formatting the way kubectl users know it (the server renders cells).

/** "5s", "3m20s", "4h", "12d" — the coarse human duration of `kubectl get`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) return `${years}y${Math.floor(hours / 24) % 365}d`;
  return `${years}y`;
}

/** Age of a timestamp, "<unknown>" when missing. */
export function age(timestamp: unknown, nowMs: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(nowMs - t);
}

/** Follows a dotted path with optional [index] steps: "status.conditions[0].type". */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.replace(/^\./, '').split(/\.|(?=\[)/)) {
    if (step === '') continue;
    if (current === null || typeof current !== 'object') return undefined;
    const index = /^\[(\d+)\]$/.exec(step);
    if (index) {
      current = Array.isArray(current) ? current[Number(index[1])] : undefined;
    } else {
      current = (current as Record<string, unknown>)[step.replace(/^\[['"]?|['"]?\]$/g, '')];
    }
  }
  return current;
}

export const rec = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const str = (v: unknown, fallback = '<none>'): string => (typeof v === 'string' && v !== '' ? v : fallback);

/** "a=b,c=d" of a map, "<none>" when empty. */
export function mapString(m: unknown): string {
  const entries = Object.entries(rec(m));
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}

/** Label selector object → "app=web,tier in (a,b)". */
export function selectorString(selector: unknown): string {
  const s = rec(selector);
  const parts = Object.entries(rec(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(s.matchExpressions)) {
    const { key, operator, values } = rec(e);
    const list = arr(values).join(',');
    if (operator === 'In') parts.push(`${String(key)} in (${list})`);
    else if (operator === 'NotIn') parts.push(`${String(key)} notin (${list})`);
    else if (operator === 'Exists') parts.push(String(key));
    else if (operator === 'DoesNotExist') parts.push(`!${String(key)}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
