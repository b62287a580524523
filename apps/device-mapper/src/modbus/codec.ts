import { ModbusValueError } from '../errors';

/** How a value sits in 16-bit registers. */
export type WireType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'boolean';

export interface Encoding {
  readonly wire: WireType;
  /** Swap the two bytes inside each register (KubeEdge `isSwap`). */
  readonly isSwap: boolean;
  /** Swap the two registers of a 32-bit value (KubeEdge `isRegisterSwap`); default order is high word first. */
  readonly isRegisterSwap: boolean;
  /** value = raw × scale + valueOffset. */
  readonly scale: number;
  readonly valueOffset: number;
}

export function registerCount(wire: WireType): number {
  return wire === 'int32' || wire === 'uint32' || wire === 'float32' ? 2 : 1;
}

const RANGES: Record<Exclude<WireType, 'float32' | 'boolean'>, [number, number]> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

/** Reorders bytes as the device stores them; applying it twice gives back the input. */
function reorder(bytes: Buffer, enc: Encoding): Buffer {
  const out = Buffer.from(bytes);
  if (enc.isSwap) for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  if (enc.isRegisterSwap && out.length === 4) return Buffer.concat([out.subarray(2, 4), out.subarray(0, 2)]);
  return out;
}

/** Drops float noise such as 21.500000000000004 from scaling; float32 keeps the 7 digits it holds. */
function tidy(value: number, wire: WireType): number {
  return Number(value.toPrecision(wire === 'float32' ? 7 : 12));
}

export function decodeRegisters(words: readonly number[], enc: Encoding): number | boolean {
  const count = registerCount(enc.wire);
  if (words.length < count)
    throw new ModbusValueError(`${enc.wire} needs ${count} registers, got ${words.length}`, { wire: enc.wire });
  if (enc.wire === 'boolean') return (words[0] ?? 0) !== 0;
  const raw = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) raw.writeUInt16BE((words[i] ?? 0) & 0xffff, i * 2);
  const b = reorder(raw, enc);
  const value = {
    int16: () => b.readInt16BE(0),
    uint16: () => b.readUInt16BE(0),
    int32: () => b.readInt32BE(0),
    uint32: () => b.readUInt32BE(0),
    float32: () => b.readFloatBE(0),
  }[enc.wire]();
  return tidy(value * enc.scale + enc.valueOffset, enc.wire);
}

export function encodeRegisters(value: number | boolean, enc: Encoding): number[] {
  if (enc.wire === 'boolean') return [value === true || value === 1 ? 1 : 0];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ModbusValueError(`value ${String(value)} is not a number; ${enc.wire} registers hold numbers`, { value });
  const raw = (value - enc.valueOffset) / enc.scale;
  const b = Buffer.alloc(registerCount(enc.wire) * 2);
  if (enc.wire === 'float32') {
    if (Math.abs(raw) > 3.4028234663852886e38)
      throw new ModbusValueError(`value ${value} does not fit float32`, { value });
    b.writeFloatBE(raw, 0);
  } else {
    const n = Math.round(raw);
    const [min, max] = RANGES[enc.wire];
    if (n < min || n > max)
      throw new ModbusValueError(
        `value ${value} is ${n} in raw units (scale ${enc.scale}, offset ${enc.valueOffset}), outside ${enc.wire} ${min}..${max}`,
        { value, wire: enc.wire },
      );
    if (enc.wire === 'int16') b.writeInt16BE(n, 0);
    else if (enc.wire === 'uint16') b.writeUInt16BE(n, 0);
    else if (enc.wire === 'int32') b.writeInt32BE(n, 0);
    else b.writeUInt32BE(n, 0);
  }
  const ordered = reorder(b, enc);
  const words: number[] = [];
  for (let i = 0; i < ordered.length; i += 2) words.push(ordered.readUInt16BE(i));
  return words;
}
