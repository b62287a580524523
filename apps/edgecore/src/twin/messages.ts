import { randomUUID } from 'node:crypto';
import type { StoredDevice } from './store';
import type {
  BaseMessage,
  ErrorResultMessage,
  MembershipDevice,
  MsgTwin,
  ReportedTwin,
  TwinDeltaMessage,
  TwinMap,
} from './types';

export const CODE_BAD_REQUEST = 400;
export const CODE_NOT_FOUND = 404;
/** A twin request names a handful of properties; anything this large is a mistake. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Request ids are echoed back; messages we originate get a fresh one. */
export function baseMessage(eventId?: string): BaseMessage {
  return { event_id: eventId ?? randomUUID(), timestamp: Date.now() };
}

export function errorResult(eventId: string, code: number, reason: string): ErrorResultMessage {
  return { ...baseMessage(eventId), code, reason };
}

export type Parsed =
  { ok: true; body: Record<string, unknown>; eventId: string } | { ok: false; eventId: string; reason: string };

/** Parses an MQTT request body; an empty body counts as `{}` (KubeEdge's get requests may carry none). */
export function parseRequest(payload: Buffer, what: string): Parsed {
  if (payload.length > MAX_REQUEST_BYTES)
    return {
      ok: false,
      eventId: '',
      reason: `${what}: payload of ${payload.length} bytes exceeds ${MAX_REQUEST_BYTES}`,
    };
  const text = payload.toString('utf8').trim();
  if (text === '') return { ok: true, body: {}, eventId: '' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, eventId: '', reason: `${what}: payload is not JSON (${(error as Error).message})` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      eventId: '',
      reason: `${what}: payload must be a JSON object such as {"event_id":"...","timestamp":0}`,
    };
  }
  const record = body as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id : '';
  return { ok: true, body: record, eventId };
}

/** KubeEdge's delta: every twin with a desired value, and `delta` for those whose actual differs. */
export function buildDelta(twin: TwinMap): TwinDeltaMessage | null {
  const twins: TwinMap = {};
  const delta: Record<string, string> = {};
  for (const [name, t] of Object.entries(twin)) {
    const expected = t.expected?.value;
    if (expected === undefined || expected === '') continue;
    twins[name] = t;
    if (expected !== t.actual?.value) delta[name] = expected;
  }
  if (Object.keys(delta).length === 0) return null;
  return { ...baseMessage(), twin: twins, delta };
}

export function toMembershipDevice(device: StoredDevice): MembershipDevice {
  return {
    id: device.id,
    name: device.name,
    namespace: device.namespace,
    description: '',
    state: device.state,
    last_online: device.lastOnline,
    twin: device.twin,
    spec: device.device.spec,
    ...(device.model ? { model: { name: device.model.metadata.name, spec: device.model.spec } } : {}),
  };
}

export function toReportedTwin(propertyName: string, twin: MsgTwin): ReportedTwin {
  const out: ReportedTwin = { propertyName };
  if (twin.actual?.value !== undefined) {
    out.reported = {
      value: twin.actual.value,
      metadata: { timestamp: String(twin.actual.metadata?.timestamp ?? Date.now()) },
    };
  }
  if (twin.expected?.value !== undefined) {
    out.observedDesired = {
      value: twin.expected.value,
      metadata: { timestamp: String(twin.expected.metadata?.timestamp ?? Date.now()) },
    };
  }
  return out;
}

/** RFC 3339 at second precision, the form Kubernetes prints. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
