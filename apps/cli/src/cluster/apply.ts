// Create-or-replace of plain Kubernetes objects (what `kubectl apply` does for
// objects that only Kedge manages), plus reading multi-document YAML files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { CliError, ExitCode } from '../errors';
import { apiStatus, kubeCall, toCliError, type Kube } from '../kube/client';

export type ApplyResult = 'created' | 'configured' | 'not served';

export interface ApplyOptions {
  /** Report 'not served' instead of failing when the API server lacks the object's type. Default false. */
  optional?: boolean;
}

function describeObject(o: KubernetesObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata?.name}`;
}

export async function applyObject(kube: Kube, obj: KubernetesObject, options: ApplyOptions = {}): Promise<ApplyResult> {
  const what = describeObject(obj);
  const header = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace },
  };
  let existing: KubernetesObject | undefined;
  try {
    existing = await kube.objects.read(header);
  } catch (err) {
    if (apiStatus(err) !== 404) throw toCliError(kube, `read ${what}`, err);
  }
  if (!existing) {
    try {
      await kube.objects.create(obj);
    } catch (err) {
      // A 404 on create means the type itself is not served (e.g. RBAC on kube-lite).
      if (options.optional && apiStatus(err) === 404) return 'not served';
      throw toCliError(kube, `create ${what}`, err);
    }
    return 'created';
  }
  const replacement = { ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata?.resourceVersion } };
  await kubeCall(kube, `update ${what}`, () => kube.objects.replace(replacement));
  return 'configured';
}

/** Parses every YAML document in `text` into objects; names `source` in errors. */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new CliError('BAD_INPUT', ExitCode.usage, `${source}: ${doc.errors[0]?.message.split('\n')[0]}`, {
        hint: 'fix the YAML syntax of that file',
      });
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const o = value as KubernetesObject;
    if (typeof o !== 'object' || !o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new CliError('BAD_INPUT', ExitCode.usage, `${source}: a document lacks apiVersion, kind or metadata.name`, {
        hint: 'every document must be a Kubernetes object',
      });
    }
    objects.push(o);
  }
  return objects;
}

/** All objects of the *.yaml / *.yml files in `dir`, in file-name order. */
export async function readManifestDir(dir: string): Promise<KubernetesObject[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const all: KubernetesObject[] = [];
  for (const name of names) all.push(...parseManifests(await readFile(join(dir, name), 'utf8'), join(dir, name)));
  return all;
}
