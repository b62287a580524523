import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec';
import { ProtocolError, type ProtocolErrorCode } from './errors';
import { anyFrame } from './frame-arbitraries';
import { withDefaults } from './limits';

// Deterministic: the same seed gives the same 100,000 inputs on every run.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of the length varints of top-level length-delimited fields. */
function lengthOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; pos < bytes.length; shift += 7) {
      const b = bytes[pos++] as number;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    return value;
  };
  while (pos < bytes.length) {
    const wireType = varint() & 7;
    if (wireType === 0) varint();
    else if (wireType === 2) {
      offsets.push(pos);
      pos += varint();
    } else break;
  }
  return offsets;
}

const DECODE_CODES = new Set<ProtocolErrorCode>([
  'FRAME_TOO_LARGE',
  'MALFORMED',
  'UNKNOWN_FRAME_TYPE',
  'FIELD_TOO_LONG',
  'LIST_TOO_LONG',
  'MISSING_FIELD',
]);

describe('decodeFrame on hostile input', () => {
  it('turns 100,000 random and mutated buffers into a frame or a typed ProtocolError', () => {
    const random = prng(0x6b656467);
    const int = (max: number): number => Math.floor(random() * max);
    const seeds = fc.sample(anyFrame, { seed: 2026, numRuns: 400 }).map((frame) => encodeFrame(frame));
    const pick = (): Uint8Array => seeds[int(seeds.length)] as Uint8Array;
    // Small limits so that the limit checks are reached by mutations too.
    const limits = withDefaults({
      maxFrameBytes: 600,
      maxStringLength: 24,
      maxNameLength: 24,
      maxListEntries: 6,
      maxManifestEntries: 6,
      maxBodyBytes: 200,
    });

    const mutations: ((input: Uint8Array) => Uint8Array)[] = [
      () => Uint8Array.from({ length: int(64) }, () => int(256)), // random bytes
      (input) => {
        const out = Uint8Array.from(input);
        for (let flips = 1 + int(4); flips > 0 && out.length > 0; flips--) out[int(out.length)]! ^= 1 << int(8);
        return out;
      },
      (input) => input.slice(0, int(input.length)), // truncation
      (input) => {
        const out = Uint8Array.from(input);
        const offsets = lengthOffsets(out);
        const at =
          offsets.length > 0 && random() < 0.7
            ? (offsets[int(offsets.length)] as number)
            : int(Math.max(out.length, 1));
        const inflated = [0xff, 0xff, 0xff, 0xff, 0x0f].slice(5 - 1 - int(5));
        out.set(inflated.slice(0, Math.max(0, out.length - at)), at);
        return out;
      },
      (input) => {
        const other = pick();
        const out = new Uint8Array(input.length + other.length);
        out.set(input);
        out.set(other, input.length);
        return out;
      },
      (input) => {
        const at = int(input.length + 1);
        const junk = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
        const out = new Uint8Array(input.length + junk.length);
        out.set(input.subarray(0, at));
        out.set(junk, at);
        out.set(input.subarray(at), at + junk.length);
        return out;
      },
    ];

    // Plain checks in the loop (expect() costs more than a decode); failures are collected.
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const mutate = mutations[i % mutations.length] as (input: Uint8Array) => Uint8Array;
      const input = mutate(pick());
      const result = decodeFrame(input, limits);
      const outcome = result.ok ? 'ok' : result.error.code;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (result.ok) {
        if (!decodeFrame(encodeFrame(result.frame), limits).ok)
          failures.push(`re-encoding a decoded ${result.frame.type} frame failed`);
      } else if (!(result.error instanceof ProtocolError) || !DECODE_CODES.has(result.error.code)) {
        failures.push(`input ${i} gave ${String(result.error)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The corpus must reach both outcomes and the main rejection paths, or it tests nothing.
    for (const outcome of [
      'ok',
      'MALFORMED',
      'MISSING_FIELD',
      'UNKNOWN_FRAME_TYPE',
      'FIELD_TOO_LONG',
      'LIST_TOO_LONG',
      'FRAME_TOO_LARGE',
    ]) {
      expect(outcomes.get(outcome) ?? 0, `${outcome} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
    }
  }, 60_000);
});
