// Validation of objects before they are stored. Returns field causes; the
// caller turns a non-empty list into a 422 Invalid Status.
import type { KubeObject } from '../controllers/api';
import type { StatusCause } from '../errors';
import type { ResourceDef } from '../registry/types';
import { labelSelectorObjectPredicate } from '../selectors/labels';
import { arr, rec } from '../tables/format';
import { causes } from './causes';
import { checkAnnotations, checkDnsLabel, checkDnsSubdomain, checkLabels } from './names';

/** Resources whose names must be DNS-1123 labels rather than subdomains. */
const labelNamed = new Set(['namespaces', 'services']);

function validateMeta(def: ResourceDef, o: KubeObject): StatusCause[] {
  const m = o.metadata;
  const out: StatusCause[] = [];
  if (!m.name) out.push(causes.required('metadata.name', 'name or generateName is required'));
  else
    out.push(
      ...(labelNamed.has(def.resource) && !def.group
        ? checkDnsLabel('metadata.name', m.name)
        : checkDnsSubdomain('metadata.name', m.name)),
    );
  if (def.namespaced && !m.namespace) out.push(causes.required('metadata.namespace'));
  out.push(...checkLabels('metadata.labels', m.labels), ...checkAnnotations('metadata.annotations', m.annotations));
  for (const [i, ref] of arr(m.ownerReferences).map(rec).entries()) {
    for (const f of ['apiVersion', 'kind', 'name', 'uid'])
      if (!ref[f]) out.push(causes.required(`metadata.ownerReferences[${i}].${f}`));
  }
  return out;
}

function validatePodSpec(path: string, spec: unknown): StatusCause[] {
  const s = rec(spec);
  const out: StatusCause[] = [];
  const containers = arr(s.containers).map(rec);
  if (!containers.length) out.push(causes.required(`${path}.containers`));
  const seen = new Set<string>();
  for (const [list, items] of [
    ['containers', containers],
    ['initContainers', arr(s.initContainers).map(rec)],
  ] as const) {
    items.forEach((c, i) => {
      const at = `${path}.${list}[${i}]`;
      if (typeof c.name !== 'string' || c.name === '') out.push(causes.required(`${at}.name`));
      else {
        out.push(...checkDnsLabel(`${at}.name`, c.name));
        if (seen.has(c.name)) out.push(causes.duplicate(`${at}.name`, c.name));
        seen.add(c.name);
      }
      if (typeof c.image !== 'string' || c.image.trim() === '') out.push(causes.required(`${at}.image`));
      arr(c.ports)
        .map(rec)
        .forEach((p, j) => {
          const port = p.containerPort;
          if (typeof port !== 'number' || port < 1 || port > 65535)
            out.push(causes.invalid(`${at}.ports[${j}].containerPort`, port, 'must be between 1 and 65535, inclusive'));
        });
    });
  }
  const policy = s.restartPolicy;
  if (policy !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(policy)))
    out.push(causes.notSupported(`${path}.restartPolicy`, policy, ['Always', 'OnFailure', 'Never']));
  return out;
}

function validateWorkload(o: KubeObject): StatusCause[] {
  const spec = rec(o.spec);
  const out: StatusCause[] = [];
  const template = rec(spec.template);
  const labels = rec(template.metadata).labels as Record<string, string> | undefined;
  if (!spec.selector) out.push(causes.required('spec.selector'));
  else {
    const sel = rec(spec.selector);
    if (!Object.keys(rec(sel.matchLabels)).length && !arr(sel.matchExpressions).length) {
      out.push(causes.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
    } else if (!labelSelectorObjectPredicate(sel)(labels ?? {})) {
      out.push(
        causes.invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'),
      );
    }
  }
  out.push(...checkLabels('spec.template.metadata.labels', labels));
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))) {
    out.push(causes.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  out.push(...validatePodSpec('spec.template.spec', template.spec));
  return out;
}

function validateConfigKeys(field: string, data: unknown): StatusCause[] {
  return Object.keys(rec(data))
    .filter((k) => !/^[-._a-zA-Z0-9]+$/.test(k))
    .map((k) =>
      causes.invalid(
        `${field}[${k}]`,
        k,
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ),
    );
}

function validateCrd(o: KubeObject): StatusCause[] {
  const spec = rec(o.spec);
  const names = rec(spec.names);
  const out: StatusCause[] = [];
  if (!spec.group) out.push(causes.required('spec.group'));
  if (!names.plural) out.push(causes.required('spec.names.plural'));
  if (!names.kind) out.push(causes.required('spec.names.kind'));
  if (!['Namespaced', 'Cluster'].includes(String(spec.scope)))
    out.push(causes.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  const versions = arr(spec.versions).map(rec);
  if (!versions.length)
    out.push(causes.required('spec.versions', 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage === true).length !== 1)
    out.push(
      causes.invalid('spec.versions', versions.length, 'must have exactly one version marked as storage version'),
    );
  if (names.plural && spec.group && o.metadata.name !== `${String(names.plural)}.${String(spec.group)}`) {
    out.push(causes.invalid('metadata.name', o.metadata.name, `must be spec.names.plural+"."+spec.group`));
  }
  return out;
}

export function validateObject(def: ResourceDef, o: KubeObject): StatusCause[] {
  const out = validateMeta(def, o);
  if (def.group === '' && def.resource === 'pods') out.push(...validatePodSpec('spec', o.spec));
  else if (def.group === 'apps') out.push(...validateWorkload(o));
  else if (def.group === '' && def.resource === 'configmaps')
    out.push(...validateConfigKeys('data', o.data), ...validateConfigKeys('binaryData', o.binaryData));
  else if (def.group === '' && def.resource === 'secrets') out.push(...validateConfigKeys('data', o.data));
  else if (def.resource === 'customresourcedefinitions' && def.group === 'apiextensions.k8s.io')
    out.push(...validateCrd(o));
  return out;
}
