// REST verbs on resources: get, list, watch, create, update, patch,
// delete, deletecollection, and the status/scale/binding/finalize subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { apiVersionOf, resourceKeyOf } from '../registry/types';
import type { DeleteRequest, Deleter } from '../service/deletion';
import { listObjects } from '../service/list';
import { presentAt } from '../service/meta';
import { bindPod } from '../service/binding';
import type { ObjectService } from '../service/objects';
import { applyPatch } from '../service/patch';
import { fromScale, toScale } from '../service/scale';
import { arr, rec } from '../tables/format';
import type { IncludeObject } from '../tables/table';
import { buildTable, wantsTable } from '../tables/table';
import { decodeBody, mediaType, readBody } from './body';
import { sendJson, sendJsonStream, sendRaw, successStatus } from './respond';
import { serveWatch } from './watch';

export interface ResourceHandlerContext {
  objects: ObjectService;
  deleter: Deleter;
  maxBodyBytes: number;
  watch: { bookmarkIntervalMs: number; defaultTimeoutMs: number; maxBufferedBytes: number };
}

export interface ResourceRequest {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
}

const flag = (q: URLSearchParams, key: string): boolean => ['1', 'true'].includes(q.get(key) ?? '');
const dryRunOf = (q: URLSearchParams): boolean => q.getAll('dryRun').includes('All');
const includeObjectOf = (q: URLSearchParams): IncludeObject =>
  (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';

function respondObject(
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
  code: number,
  o: KubeObject,
): void {
  if (wantsTable(req.headers.accept)) {
    sendJson(
      res,
      code,
      buildTable(r.def, [presentAt(r.def, o)], {
        includeObject: includeObjectOf(r.query),
        resourceVersion: o.metadata.resourceVersion ?? '',
      }),
    );
  } else {
    sendJson(res, code, presentAt(r.def, o));
  }
}

function handleList(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
): Promise<void> | void {
  const q = r.query;
  const limit = Number(q.get('limit') ?? 0);
  const query = {
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: Number.isFinite(limit) ? limit : 0,
    continue: q.get('continue') ?? undefined,
  };
  const result = listObjects(ctx.objects.store, r.def, query);
  if (wantsTable(req.headers.accept)) {
    const table = buildTable(
      r.def,
      result.items.map((s) => presentAt(r.def, s.object)),
      {
        includeObject: includeObjectOf(q),
        resourceVersion: result.resourceVersion,
        ...(result.continue ? { continue: result.continue, remainingItemCount: result.remainingItemCount ?? 0 } : {}),
      },
    );
    sendJson(res, 200, table);
    return;
  }
  const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue)
    Object.assign(meta, { continue: result.continue, remainingItemCount: result.remainingItemCount });
  const sameVersion = !r.def.fromCrd || r.def.version === r.def.storageVersion;
  // Items go out as their stored JSON: no re-serialisation per list.
  const items = sameVersion
    ? result.items.map((s) => s.json)
    : result.items.map((s) => JSON.stringify(presentAt(r.def, s.object)));
  return sendJsonStream(
    res,
    `{"kind":"${r.def.listKind}","apiVersion":"${apiVersionOf(r.def)}","metadata":${JSON.stringify(meta)},"items":[`,
    items,
    ']}',
  );
}

function deleteRequestOf(q: URLSearchParams, body: unknown): DeleteRequest {
  const b = rec(body);
  const request: DeleteRequest = {};
  const grace = q.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n))
      throw apiErrors.badRequest(`gracePeriodSeconds must be an integer, got "${String(grace)}"`);
    request.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = q.get('propagationPolicy') ?? b.propagationPolicy;
  const orphan = q.get('orphanDependents') ?? b.orphanDependents;
  if (policy !== undefined && policy !== null) {
    if (!['Foreground', 'Background', 'Orphan'].includes(String(policy)))
      throw apiErrors.badRequest(`propagationPolicy must be Foreground, Background or Orphan, got "${String(policy)}"`);
    request.propagationPolicy = policy as DeleteRequest['propagationPolicy'];
  } else if (orphan === true || orphan === 'true') request.propagationPolicy = 'Orphan';
  const pre = rec(b.preconditions);
  if (typeof pre.uid === 'string') request.uid = pre.uid;
  if (typeof pre.resourceVersion === 'string') request.resourceVersion = pre.resourceVersion;
  if (dryRunOf(q) || arr(b.dryRun).includes('All')) request.dryRun = true;
  return request;
}

async function handleWrite(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
): Promise<void> {
  const { def, namespace, name, subresource, query: q } = r;
  const { objects, deleter } = ctx;
  const type = mediaType(req);
  const body = decodeBody(await readBody(req, ctx.maxBodyBytes), type);
  const dryRun = dryRunOf(q);
  const method = req.method!;
  // Answers once the write is persisted and its watch events are out.
  const reply = async (code: number, o: KubeObject, as: 'object' | 'scale' = 'object'): Promise<void> => {
    await objects.store.flushed();
    if (as === 'scale') return sendJson(res, code, toScale(o));
    // The object just written has its JSON in the store already.
    const stored = objects.store.get(resourceKeyOf(def), o.metadata.namespace ?? '', o.metadata.name);
    if (
      stored?.object === o &&
      !wantsTable(req.headers.accept) &&
      (!def.fromCrd || def.version === def.storageVersion)
    ) {
      return sendRaw(res, code, stored.json);
    }
    respondObject(req, res, r, code, o);
  };
  if (!name) {
    if (method === 'POST') return reply(201, objects.create(def, namespace, body, { dryRun }));
    if (method === 'DELETE') {
      const request = deleteRequestOf(q, body);
      const items = listObjects(objects.store, def, {
        ...(namespace !== undefined ? { namespace } : {}),
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
      }).items.map((s) => deleter.delete(def, namespace, s.object.metadata.name, request));
      await objects.store.flushed();
      return sendJson(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: {}, items });
    }
    throw apiErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
  if (subresource === 'binding' && method === 'POST' && def.subresources.includes('binding')) {
    bindPod(objects, def, namespace, name, body);
    await objects.store.flushed();
    return sendJson(res, 201, successStatus({}));
  }
  if (
    subresource !== undefined &&
    !def.subresources.includes(subresource as never) &&
    !(subresource === 'finalize' && def.resource === 'namespaces')
  ) {
    throw apiErrors.noSuchResource();
  }
  switch (method) {
    case 'PUT': {
      if (subresource === 'scale') {
        return reply(
          200,
          objects.update(def, namespace, name, fromScale(objects.getCopy(def, namespace, name), body), { dryRun }),
          'scale',
        );
      }
      if (subresource === 'finalize') {
        const current = objects.getCopy(def, namespace, name);
        current.spec = { ...rec(current.spec), finalizers: arr(rec(rec(body).spec).finalizers) };
        current.metadata.resourceVersion =
          (rec(rec(body).metadata).resourceVersion as string | undefined) ?? current.metadata.resourceVersion;
        return reply(200, objects.update(def, namespace, name, current, { dryRun }));
      }
      const options = subresource === 'status' ? { dryRun, subresource: 'status' as const } : { dryRun };
      return reply(200, objects.update(def, namespace, name, body, options));
    }
    case 'PATCH': {
      const current = objects.getCopy(def, namespace, name);
      if (subresource === 'scale') {
        const patched = applyPatch(def, toScale(current), type, body);
        return reply(200, objects.update(def, namespace, name, fromScale(current, patched), { dryRun }), 'scale');
      }
      const patched = applyPatch(def, current, type, body) as KubeObject;
      const rv = rec(rec(body).metadata).resourceVersion;
      if (patched.metadata && typeof rv !== 'string')
        patched.metadata.resourceVersion = current.metadata.resourceVersion;
      const options = subresource === 'status' ? { dryRun, subresource: 'status' as const } : { dryRun };
      return reply(200, objects.update(def, namespace, name, patched, options));
    }
    case 'DELETE': {
      if (subresource)
        throw apiErrors.methodNotAllowed('the server does not allow this method on the requested resource');
      const result = deleter.delete(def, namespace, name, deleteRequestOf(q, body));
      const gone = !objects.store.get(resourceKeyOf(def), result.metadata.namespace ?? '', name);
      return reply(gone ? 200 : 202, result);
    }
    default:
      throw apiErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

export async function handleResource(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
): Promise<void> {
  if (req.method === 'GET') {
    const { def, namespace, name, subresource, query: q } = r;
    if (!name) {
      if (flag(q, 'watch')) {
        const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 0);
        serveWatch(ctx.objects.store, def, req, res, {
          ...(namespace !== undefined ? { namespace } : {}),
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          allowBookmarks: flag(q, 'allowWatchBookmarks'),
          timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : ctx.watch.defaultTimeoutMs,
          bookmarkIntervalMs: ctx.watch.bookmarkIntervalMs,
          maxBufferedBytes: ctx.watch.maxBufferedBytes,
          ...(wantsTable(req.headers.accept) ? { table: { includeObject: includeObjectOf(q) } } : {}),
        });
        return;
      }
      return handleList(ctx, req, res, r);
    }
    const stored = ctx.objects.getStored(def, namespace, name);
    if (subresource === 'scale' && def.subresources.includes('scale'))
      return sendJson(res, 200, toScale(stored.object));
    if (subresource !== undefined && subresource !== 'status') throw apiErrors.noSuchResource();
    if (!wantsTable(req.headers.accept) && (!def.fromCrd || def.version === def.storageVersion))
      return sendRaw(res, 200, stored.json);
    return respondObject(req, res, r, 200, stored.object);
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '')) return handleWrite(ctx, req, res, r);
  throw apiErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
}
