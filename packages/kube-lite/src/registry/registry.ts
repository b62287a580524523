import type { ResourceRef } from '../controllers/api';
import { apiErrors } from '../errors';
import type { ResourceDef } from './types';
import { apiVersionOf } from './types';

/** The resources served right now: built-ins plus whatever CRDs are established. */
export class Registry {
  private readonly byPath = new Map<string, ResourceDef>();
  private readonly byKind = new Map<string, ResourceDef>();

  add(def: ResourceDef): void {
    this.byPath.set(`${def.group}/${def.version}/${def.resource}`, def);
    this.byKind.set(`${apiVersionOf(def)}/${def.kind}`, def);
  }

  removeCrd(crdName: string): ResourceDef[] {
    const removed = [...this.byPath.values()].filter((d) => d.fromCrd === crdName);
    for (const def of removed) {
      this.byPath.delete(`${def.group}/${def.version}/${def.resource}`);
      this.byKind.delete(`${apiVersionOf(def)}/${def.kind}`);
    }
    return removed;
  }

  find(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Like find, but throws NotFound as the server answers for an unknown resource. */
  require(ref: ResourceRef): ResourceDef {
    const def = this.find(ref.group, ref.version, ref.resource);
    if (!def) throw apiErrors.noSuchResource();
    return def;
  }

  findKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  all(): ResourceDef[] {
    return [...this.byPath.values()];
  }

  /** group → versions served, core group "" first, in a stable order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const def of this.byPath.values()) {
      const versions = out.get(def.group) ?? [];
      if (!versions.includes(def.version)) versions.push(def.version);
      out.set(def.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return [...this.byPath.values()].filter((d) => d.group === group && d.version === version);
  }
}
