/**
 * A cloud peer in memory, speaking real @kedge/protocol frames, for hub
 * client tests: welcome on hello, the difference to the manifest, acks of
 * statuses on demand.
 */
import {
  decodeFrame,
  encodeFrame,
  type Frame,
  type FrameOf,
  type ManifestEntry,
  manifestDigest,
  type StatusFrame,
} from '@kedge/protocol';
import { memoryConnectionPair, type Dialer, type MemoryConnection } from '../connection';

export interface DesiredObject {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  body: Record<string, unknown>;
}

/** The fake cloud's content hash: one per resourceVersion. */
const contentHashOf = (obj: DesiredObject): string => `h${obj.resourceVersion}`;

export class FakeCloud {
  /** What this node should hold, by uid. */
  readonly desired = new Map<string, DesiredObject>();
  /** Every frame the edge sent, per connection. */
  readonly sessions: Frame[][] = [];
  /** Ack the edge's statuses as they arrive. */
  autoAckStatus = true;
  /** Refuse dials (cloud down). */
  down = false;
  /** Announced in welcome; the edge's liveness settings are the floor under it. */
  heartbeatIntervalMs = 30_000;
  /** Called for every ack the edge sends, before anything else happens. */
  onAck: (ids: readonly number[]) => void = () => {};
  private cloudEnd: MemoryConnection | undefined;
  private nextId = 1;
  private readonly sentIds = new Map<number, string>();

  readonly dial: Dialer = async () => {
    if (this.down) throw new Error('connection refused');
    const [edge, cloud] = memoryConnectionPair();
    this.cloudEnd = cloud;
    const frames: Frame[] = [];
    this.sessions.push(frames);
    const manifest: ManifestEntry[] = [];
    cloud.onMessage((bytes) => {
      const decoded = decodeFrame(bytes);
      if (!decoded.ok) throw decoded.error;
      const frame = decoded.frame;
      frames.push(frame);
      if (frame.type === 'hello') {
        const matched = frame.manifestDigest !== '' && frame.manifestDigest === this.digest();
        this.send({
          id: 0,
          type: 'welcome',
          protocolVersion: 1,
          features: frame.features,
          compression: '',
          heartbeatIntervalMs: this.heartbeatIntervalMs,
          serverId: 'fake',
          manifestDigestMatched: matched,
        });
      } else if (frame.type === 'manifest') {
        manifest.push(...frame.entries);
        if (frame.complete) this.sendDifference(manifest);
      } else if (frame.type === 'ack') {
        this.onAck(frame.ids);
      } else if (frame.type === 'status' && this.autoAckStatus) {
        this.ackStatus([frame]);
      }
    });
    return edge;
  };

  get connection(): MemoryConnection | undefined {
    return this.cloudEnd;
  }

  /** Frames of one type the edge sent on the latest connection (or all connections). */
  received<T extends Frame['type']>(type: T, all = false): FrameOf<T>[] {
    const frames = all ? this.sessions.flat() : (this.sessions.at(-1) ?? []);
    return frames.filter((f): f is FrameOf<T> => f.type === type);
  }

  /** uid of the object a frame id carried. */
  uidOf(id: number): string | undefined {
    return this.sentIds.get(id);
  }

  send(frame: Frame): number {
    const id = frame.id || this.nextId++;
    this.cloudEnd?.send(encodeFrame({ ...frame, id } as Frame));
    return id;
  }

  sendRaw(bytes: Uint8Array): void {
    this.cloudEnd?.send(bytes);
  }

  sendObject(obj: DesiredObject, eventType: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED'): number {
    const body = new TextEncoder().encode(JSON.stringify(obj.body));
    const id = this.send({
      id: 0,
      type: 'object',
      eventType,
      apiVersion: 'v1',
      kind: obj.kind,
      namespace: obj.namespace,
      name: obj.name,
      uid: obj.uid,
      resourceVersion: obj.resourceVersion,
      body,
      contentHash: contentHashOf(obj),
    });
    this.sentIds.set(id, obj.uid);
    return id;
  }

  ackStatus(frames: readonly StatusFrame[]): void {
    this.send({ id: 0, type: 'statusAck', entries: frames.map((f) => ({ key: f.key, sequence: f.sequence })) });
  }

  /** The digest an edge holding exactly `desired` sends. */
  digest(): string {
    return manifestDigest([...this.desired.values()].map((obj) => ({ uid: obj.uid, contentHash: contentHashOf(obj) })));
  }

  private sendDifference(manifest: readonly ManifestEntry[]): void {
    const held = new Map(manifest.map((e) => [e.uid, e.resourceVersion]));
    let sent = 0;
    for (const obj of this.desired.values()) {
      if (held.get(obj.uid) === obj.resourceVersion) continue;
      this.sendObject(obj, held.has(obj.uid) ? 'MODIFIED' : 'ADDED');
      sent++;
    }
    const deletedUids = manifest.map((e) => e.uid).filter((uid) => !this.desired.has(uid));
    this.send({ id: 0, type: 'syncComplete', deletedUids, sentCount: sent });
  }
}
