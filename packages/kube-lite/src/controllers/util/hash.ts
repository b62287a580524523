// Template hashes for pod-template-hash and controller-revision-hash labels:
// FNV-1a over the canonical JSON, spelled with Kubernetes' safe alphabet
// (no vowels, no look-alike digits) so names never spell words.
import { canonicalJson } from './objects';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function templateHash(template: unknown, collisionCount?: number): string {
  const input = canonicalJson(template) + (collisionCount ? `#${collisionCount}` : '');
  const digits = String(fnv1a32(input));
  let out = '';
  for (const digit of digits) out += SAFE_ALPHABET[digit.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}
