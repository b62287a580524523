// Applies the four patch types of the PATCH verb to a copy of an object.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { apiErrors } from '../errors';
import type { ResourceDef } from '../registry/types';
import { mergePatch } from '../patch/merge';
import { strategicMergePatch } from '../patch/strategic';

export const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export function applyPatch(
  def: ResourceDef,
  target: Record<string, unknown>,
  contentType: string,
  patch: unknown,
): Record<string, unknown> {
  switch (contentType) {
    case patchTypes.json: {
      if (!Array.isArray(patch))
        throw apiErrors.badRequest(
          'a JSON patch must be an array of operations, e.g. [{"op":"replace","path":"/spec/replicas","value":2}]',
        );
      try {
        return fastJsonPatch.applyPatch(structuredClone(target), patch as Operation[], true, true)
          .newDocument as Record<string, unknown>;
      } catch (cause) {
        throw apiErrors.badRequest(`the JSON patch could not be applied: ${(cause as Error).message.split('\n')[0]}`);
      }
    }
    case patchTypes.merge:
      return mergePatch(target, patch) as Record<string, unknown>;
    case patchTypes.strategic:
      // Custom resources have no patch strategy metadata: upstream answers 415 too.
      if (def.fromCrd) throw apiErrors.unsupportedMediaType(contentType);
      return strategicMergePatch(target, patch);
    default:
      throw apiErrors.unsupportedMediaType(contentType);
  }
}
