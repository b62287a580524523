// Per-node traffic from cloudcore's Prometheus /metrics: the wire bytes
// counter (TLS socket bytes, what a weak link actually carries), or the frame
// payload counter for nodes without wire samples yet; both are labelled by
// node and direction (in = edge to cloud). Unreachable metrics yield none.

export interface NodeTraffic {
  bytesIn: number;
  bytesOut: number;
}

/** Counters exported by cloudcore (apps/cloudcore metrics registry), preferred first. */
export const WIRE_BYTES_METRIC = 'kedge_cloudcore_node_wire_bytes_total';
export const PAYLOAD_BYTES_METRIC = 'kedge_cloudcore_node_payload_bytes_total';

const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)(?:\s+\d+)?$/;
const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labels(text: string): Map<string, string> {
  return new Map([...text.matchAll(label)].map((m) => [m[1] as string, m[2] as string]));
}

/** Parses Prometheus text exposition into bytes in/out per node name. */
export function trafficByNode(text: string): Map<string, NodeTraffic> {
  const wire = sumByNode(text, WIRE_BYTES_METRIC);
  for (const [node, t] of sumByNode(text, PAYLOAD_BYTES_METRIC)) if (!wire.has(node)) wire.set(node, t);
  return wire;
}

function sumByNode(text: string, metric: string): Map<string, NodeTraffic> {
  const result = new Map<string, NodeTraffic>();
  for (const line of text.split('\n')) {
    const m = sample.exec(line.trim());
    if (!m || m[1] !== metric) continue;
    const l = labels(m[2] as string);
    const node = l.get('node');
    const direction = l.get('direction');
    const value = Number(m[3]);
    if (node === undefined || (direction !== 'in' && direction !== 'out') || !Number.isFinite(value)) continue;
    const t = result.get(node) ?? { bytesIn: 0, bytesOut: 0 };
    if (direction === 'in') t.bytesIn += value;
    else t.bytesOut += value;
    result.set(node, t);
  }
  return result;
}

/** Fetches and parses /metrics; undefined when it cannot be read within `timeoutMs`. */
export async function fetchTraffic(url: string, timeoutMs = 3000): Promise<Map<string, NodeTraffic> | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return trafficByNode(await res.text());
  } catch {
    return undefined;
  }
}
