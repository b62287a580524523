// Strategic merge patch for built-in kinds: lists with a merge key merge
// item by item, `$patch: delete|replace|merge` directives apply,
// `$deleteFromPrimitiveList/<f>` removes values, `$setElementOrder/<f>` and
// `$retainKeys` are accepted and ignored (order of the original is kept).

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Merge keys by field name, as the Kubernetes types declare them (patchMergeKey). */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  readinessGates: 'conditionType',
  addresses: 'type',
  resourceClaims: 'name',
};

/** Lists of scalars with patchStrategy merge: the patch adds to them. */
const primitiveMergeLists = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  // Container ports merge by containerPort, Service ports by port.
  if (field === 'ports') return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return mergeKeys[field];
}

/** Removes directives from content that is copied in as a whole. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !(isObject(v) && v.$patch === 'delete')).map(clean);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      k === '$patch' ||
      k === '$retainKeys' ||
      k.startsWith('$setElementOrder/') ||
      k.startsWith('$deleteFromPrimitiveList/')
    )
      continue;
    if (v === null) continue;
    out[k] = clean(v);
  }
  return out;
}

function mergeList(field: string, original: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace'))
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clean);
  const key = mergeKeyFor(field, [...original, ...patch]);
  if (!key || !patch.every(isObject)) {
    if (primitiveMergeLists.has(field)) return [...original, ...patch.filter((p) => !original.includes(p))];
    return patch.map(clean);
  }
  const out = [...original];
  for (const item of patch as Obj[]) {
    const index = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = mergeObject(out[index] as Obj, item);
    } else {
      out.push(clean(item));
    }
  }
  return out;
}

function mergeObject(original: Obj, patch: Obj): Obj | undefined {
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') return clean(patch) as Obj;
  const out: Obj = { ...original };
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith('$deleteFromPrimitiveList/')) continue;
    const field = k.slice('$deleteFromPrimitiveList/'.length);
    if (Array.isArray(out[field]) && Array.isArray(v))
      out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const current = out[k];
    if (isObject(v) && isObject(current)) {
      const merged = mergeObject(current, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v) && Array.isArray(current)) {
      out[k] = mergeList(k, current, v);
    } else if (isObject(v) && v.$patch === 'delete') {
      delete out[k];
    } else {
      out[k] = clean(v);
    }
  }
  return out;
}

export function strategicMergePatch(original: Obj, patch: unknown): Obj {
  if (!isObject(patch)) return original;
  return mergeObject(original, patch) ?? {};
}
