/** Every cloudcore metric, on one prom-client registry (never the global one). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface CloudMetrics {
  readonly registry: Registry;
  /** Run before each scrape, for values sampled rather than counted (socket byte counts). */
  readonly beforeScrape: (() => void)[];
  readonly connectedNodes: Gauge;
  /** Encoded frame bytes per node; direction in|out. */
  readonly payloadBytes: Counter<'node' | 'direction'>;
  /** TLS socket bytes per node (frames, WebSocket and TLS overhead, compression); direction in|out. */
  readonly wireBytes: Counter<'node' | 'direction'>;
  readonly frames: Counter<'type' | 'direction'>;
  readonly rejectedFrames: Counter<'reason'>;
  readonly handshakesInFlight: Gauge;
  readonly handshakesQueued: Gauge;
  readonly handshakesRefused: Counter<'reason'>;
  readonly statusWrites: Counter<'kind' | 'result'>;
  readonly objectsSent: Counter<'kind' | 'event'>;
  /** Reconnects of edges that offered a manifest digest, by how they resumed: digest (matched) or manifest. */
  readonly resumes: Counter<'by'>;
  readonly compressionContextsReleased: Counter;
}

export function createMetrics(): CloudMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kedge_cloudcore_' });
  const registers = [registry];
  return {
    registry,
    beforeScrape: [],
    connectedNodes: new Gauge({
      name: 'kedge_cloudcore_connected_nodes',
      help: 'Edge nodes with an open session',
      registers,
    }),
    payloadBytes: new Counter({
      name: 'kedge_cloudcore_node_payload_bytes_total',
      help: 'Encoded frame bytes exchanged with a node',
      labelNames: ['node', 'direction'],
      registers,
    }),
    wireBytes: new Counter({
      name: 'kedge_cloudcore_node_wire_bytes_total',
      help: 'TLS socket bytes exchanged with a node, including WebSocket and TLS overhead',
      labelNames: ['node', 'direction'],
      registers,
    }),
    frames: new Counter({
      name: 'kedge_cloudcore_frames_total',
      help: 'Frames by type and direction',
      labelNames: ['type', 'direction'],
      registers,
    }),
    rejectedFrames: new Counter({
      name: 'kedge_cloudcore_rejected_frames_total',
      help: 'Frames and connections refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    handshakesInFlight: new Gauge({
      name: 'kedge_cloudcore_handshakes_in_flight',
      help: 'Edge handshakes being processed',
      registers,
    }),
    handshakesQueued: new Gauge({
      name: 'kedge_cloudcore_handshakes_queued',
      help: 'Edge handshakes waiting for a slot',
      registers,
    }),
    handshakesRefused: new Counter({
      name: 'kedge_cloudcore_handshakes_refused_total',
      help: 'Edge handshakes refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    statusWrites: new Counter({
      name: 'kedge_cloudcore_status_writes_total',
      help: 'API writes for edge status frames, by status kind and result',
      labelNames: ['kind', 'result'],
      registers,
    }),
    objectsSent: new Counter({
      name: 'kedge_cloudcore_objects_sent_total',
      help: 'Object frames sent to edges, by kind and event',
      labelNames: ['kind', 'event'],
      registers,
    }),
    resumes: new Counter({
      name: 'kedge_cloudcore_resumes_total',
      help: 'Edge reconnects that offered a manifest digest, by how they resumed (digest: matched; manifest: full list)',
      labelNames: ['by'],
      registers,
    }),
    compressionContextsReleased: new Counter({
      name: 'kedge_cloudcore_compression_contexts_released_total',
      help: 'zlib contexts of idle edge connections closed to save memory (made again on the next message)',
      registers,
    }),
  };
}
