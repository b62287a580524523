// Handlers for what mappers (or apps) send on the bus. Each one validates the
// whole request first and changes nothing unless all of it is acceptable.
import {
  CODE_BAD_REQUEST,
  CODE_NOT_FOUND,
  baseMessage,
  buildDelta,
  errorResult,
  parseRequest,
  rfc3339,
  toMembershipDevice,
  toReportedTwin,
} from './messages';
import type { StoredDevice } from './store';
import { deviceTopic, nodeTopic } from './topics';
import type {
  ModelProperty,
  MsgTwin,
  ReportedUpdate,
  StateResultMessage,
  TwinDocumentMessage,
  TwinResultMessage,
} from './types';
import { checkTwinKey, checkValue } from './validate';

export interface RequestContext {
  readonly nodeName: string;
  resolve(id: string): StoredDevice | undefined;
  list(): StoredDevice[];
  save(device: StoredDevice): void;
  send(topic: string, message: object): void;
  report(update: ReportedUpdate): void;
}

const STATES = new Set(['online', 'offline', 'ok', 'unknown', 'unhealthy']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function modelProperty(device: StoredDevice, name: string): ModelProperty | undefined {
  return device.model?.spec.properties?.find((p) => p.name === name);
}

function notFound(ctx: RequestContext, id: string): string {
  return `device "${id}" is not known on node ${ctx.nodeName}; use the id namespace/name of a Device bound to this node`;
}

/** Checks one twin entry of an update; returns the reasons it is refused. */
function checkEntry(device: StoredDevice, key: string, entry: unknown): string[] {
  const keyProblem = checkTwinKey(key);
  if (keyProblem) return [keyProblem];
  if (!device.device.spec.properties?.some((p) => p.name === key))
    return [`property "${key}" is not defined on device ${device.id}`];
  if (!isObject(entry)) return [`twin "${key}" must be an object with "expected" and/or "actual"`];
  const reasons: string[] = [];
  const model = modelProperty(device, key);
  for (const side of ['expected', 'actual'] as const) {
    const part = entry[side];
    if (part === undefined) continue;
    if (!isObject(part) || !('value' in part)) {
      reasons.push(`twin "${key}".${side} must be {"value": "..."}`);
      continue;
    }
    if (side === 'expected' && model?.accessMode === 'ReadOnly')
      reasons.push(`property "${key}" is ReadOnly in model ${device.model?.metadata.name}; it takes no desired value`);
    const problem = checkValue(key, part.value, model, side === 'expected');
    if (problem) reasons.push(problem);
  }
  if (entry.expected === undefined && entry.actual === undefined)
    reasons.push(`twin "${key}" carries neither "expected" nor "actual"`);
  return reasons;
}

export function handleTwinUpdate(ctx: RequestContext, id: string, payload: Buffer): void {
  const resultTopic = deviceTopic.updateResult(id);
  const req = parseRequest(payload, 'twin update');
  if (!req.ok) return ctx.send(resultTopic, errorResult(req.eventId, CODE_BAD_REQUEST, req.reason));
  const twinIn = req.body.twin;
  if (!isObject(twinIn) || Object.keys(twinIn).length === 0) {
    return ctx.send(
      resultTopic,
      errorResult(
        req.eventId,
        CODE_BAD_REQUEST,
        'twin update: "twin" must be a non-empty object of property name to {expected, actual}',
      ),
    );
  }
  const device = ctx.resolve(id);
  if (!device) return ctx.send(resultTopic, errorResult(req.eventId, CODE_NOT_FOUND, notFound(ctx, id)));
  const reasons = Object.entries(twinIn).flatMap(([key, entry]) => checkEntry(device, key, entry));
  if (reasons.length > 0)
    return ctx.send(
      resultTopic,
      errorResult(req.eventId, CODE_BAD_REQUEST, `twin update rejected: ${reasons.join('; ')}`),
    );

  const now = Date.now();
  const result: TwinResultMessage = { ...baseMessage(req.eventId), twin: {} };
  const document: TwinDocumentMessage = { ...baseMessage(req.eventId), twin: {} };
  const changed: string[] = [];
  let desiredChanged = false;
  for (const [key, raw] of Object.entries(twinIn)) {
    const entry = raw as {
      expected?: { value: string };
      actual?: { value: string; metadata?: { timestamp?: unknown } };
    };
    const last: MsgTwin | undefined = device.twin[key];
    const current: MsgTwin = { ...last };
    let changedHere = false;
    if (entry.expected && entry.expected.value !== last?.expected?.value) {
      current.expected = { value: entry.expected.value, metadata: { timestamp: now } };
      changedHere = desiredChanged = true;
    }
    if (entry.actual) {
      const ts = entry.actual.metadata?.timestamp;
      current.actual = {
        value: entry.actual.value,
        metadata: { timestamp: typeof ts === 'number' && ts > 0 ? ts : now },
      };
      changedHere ||= entry.actual.value !== last?.actual?.value;
    }
    device.twin[key] = current;
    result.twin[key] = current;
    if (changedHere) {
      changed.push(key);
      document.twin[key] = { last: last ?? null, current };
    }
  }
  // Unchanged reports only refresh timestamps in memory: no disk write per poll.
  if (changed.length > 0) ctx.save(device);
  ctx.send(resultTopic, result);
  if (changed.length === 0) return;
  ctx.send(deviceTopic.document(device.id), document);
  if (desiredChanged) {
    const delta = buildDelta(device.twin);
    if (delta) ctx.send(deviceTopic.delta(device.id), delta);
  }
  ctx.report({
    deviceId: device.id,
    namespace: device.namespace,
    name: device.name,
    twins: changed.map((k) => toReportedTwin(k, device.twin[k] ?? {})),
  });
}

export function handleTwinGet(ctx: RequestContext, id: string, payload: Buffer): void {
  const topic = deviceTopic.getResult(id);
  const req = parseRequest(payload, 'twin get');
  if (!req.ok) return ctx.send(topic, errorResult(req.eventId, CODE_BAD_REQUEST, req.reason));
  const device = ctx.resolve(id);
  if (!device) return ctx.send(topic, errorResult(req.eventId, CODE_NOT_FOUND, notFound(ctx, id)));
  ctx.send(topic, { ...baseMessage(req.eventId), twin: device.twin } satisfies TwinResultMessage);
}

export function handleStateUpdate(ctx: RequestContext, id: string, payload: Buffer): void {
  const topic = deviceTopic.stateResult(id);
  const req = parseRequest(payload, 'state update');
  if (!req.ok) return ctx.send(topic, errorResult(req.eventId, CODE_BAD_REQUEST, req.reason));
  const state = typeof req.body.state === 'string' ? req.body.state.toLowerCase() : '';
  if (!STATES.has(state)) {
    return ctx.send(
      topic,
      errorResult(
        req.eventId,
        CODE_BAD_REQUEST,
        `state update: "state" must be one of ${[...STATES].join(', ')}; got ${JSON.stringify(req.body.state)}`,
      ),
    );
  }
  const device = ctx.resolve(id);
  if (!device) return ctx.send(topic, errorResult(req.eventId, CODE_NOT_FOUND, notFound(ctx, id)));
  const stateChanged = device.state !== state;
  device.state = state;
  // Unlike KubeEdge, going offline keeps the last time the device was seen online.
  if (state === 'online' || state === 'ok') device.lastOnline = rfc3339(Date.now());
  ctx.save(device);
  const lastOnlineTime = device.lastOnline || undefined;
  ctx.send(topic, {
    ...baseMessage(req.eventId),
    device: { name: device.name, state, ...(lastOnlineTime ? { lastOnlineTime } : {}) },
  } satisfies StateResultMessage);
  if (stateChanged)
    ctx.report({
      deviceId: device.id,
      namespace: device.namespace,
      name: device.name,
      twins: [],
      state,
      ...(lastOnlineTime ? { lastOnlineTime } : {}),
    });
}

export function handleMembershipGet(ctx: RequestContext, payload: Buffer): void {
  const topic = nodeTopic.membershipGetResult(ctx.nodeName);
  const req = parseRequest(payload, 'membership get');
  if (!req.ok) return ctx.send(topic, errorResult(req.eventId, CODE_BAD_REQUEST, req.reason));
  ctx.send(topic, { ...baseMessage(req.eventId), devices: ctx.list().map(toMembershipDevice) });
}
