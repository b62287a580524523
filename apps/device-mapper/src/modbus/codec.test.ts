import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRegisters, encodeRegisters, type Encoding, type WireType } from './codec';
import { ModbusValueError } from '../errors';

const enc = (wire: WireType, over: Partial<Encoding> = {}): Encoding => ({
  wire,
  isSwap: false,
  isRegisterSwap: false,
  scale: 1,
  valueOffset: 0,
  ...over,
});

describe('Modbus register codec', () => {
  it.each([
    ['int16', [0xfffe], {}, -2],
    ['uint16', [0xfffe], {}, 65534],
    ['int16', [0xfeff], { isSwap: true }, -2],
    ['int32', [0xffff, 0xfffe], {}, -2],
    ['int32', [0xfffe, 0xffff], { isRegisterSwap: true }, -2],
    ['uint32', [0x1234, 0x5678], {}, 0x12345678],
    ['uint32', [0x3412, 0x7856], { isSwap: true }, 0x12345678],
    ['uint32', [0x5678, 0x1234], { isRegisterSwap: true }, 0x12345678],
    ['uint32', [0x7856, 0x3412], { isSwap: true, isRegisterSwap: true }, 0x12345678],
    ['float32', [0x41ac, 0x0000], {}, 21.5],
    ['float32', [0x0000, 0x41ac], { isRegisterSwap: true }, 21.5],
    ['float32', [0xac41, 0x0000], { isSwap: true }, 21.5],
    ['float32', [0x4199, 0x999a], {}, 19.2],
    ['int16', [215], { scale: 0.1 }, 21.5],
    ['uint16', [130], { scale: 0.5, valueOffset: -40 }, 25],
    ['boolean', [3], {}, true],
  ] as const)('decodes %s %j with %j as %s', (wire, words, over, value) => {
    expect(decodeRegisters(words, enc(wire, over))).toBe(value);
    if (wire !== 'boolean') {
      expect(decodeRegisters(encodeRegisters(value, enc(wire, over)), enc(wire, over))).toBe(value);
    }
  });

  it('encodes to the words a device expects', () => {
    expect(encodeRegisters(21.5, enc('float32', { isRegisterSwap: true }))).toEqual([0x0000, 0x41ac]);
    expect(encodeRegisters(-2, enc('int16', { isSwap: true }))).toEqual([0xfeff]);
    expect(encodeRegisters(21.5, enc('int16', { scale: 0.1 }))).toEqual([215]);
    expect(encodeRegisters(true, enc('boolean'))).toEqual([1]);
  });

  it('refuses values the register cannot hold, naming the raw value and range', () => {
    expect(() => encodeRegisters(70000, enc('uint16'))).toThrow(ModbusValueError);
    expect(() => encodeRegisters(-1, enc('uint32'))).toThrow(/outside uint32 0\.\.4294967295/);
    expect(() => encodeRegisters(4000, enc('int16', { scale: 0.1 }))).toThrow(/40000 in raw units \(scale 0\.1/);
    expect(() => encodeRegisters(Number.NaN, enc('float32'))).toThrow(/not a number/);
    expect(() => decodeRegisters([1], enc('float32'))).toThrow(/needs 2 registers/);
  });

  it('round-trips every integer type in every byte and word order', () => {
    const orders = fc.record({ isSwap: fc.boolean(), isRegisterSwap: fc.boolean() });
    const cases: [WireType, fc.Arbitrary<number>][] = [
      ['int16', fc.integer({ min: -0x8000, max: 0x7fff })],
      ['uint16', fc.integer({ min: 0, max: 0xffff })],
      ['int32', fc.integer({ min: -0x80000000, max: 0x7fffffff })],
      ['uint32', fc.integer({ min: 0, max: 0xffffffff })],
    ];
    for (const [wire, values] of cases) {
      fc.assert(
        fc.property(values, orders, (value, order) => {
          const e = enc(wire, order);
          const words = encodeRegisters(value, e);
          expect(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)).toBe(true);
          expect(decodeRegisters(words, e)).toBe(value);
        }),
      );
    }
  });

  it('round-trips float32 to 7 significant digits', () => {
    fc.assert(
      fc.property(
        fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.boolean(),
        fc.boolean(),
        (value, isSwap, isRegisterSwap) => {
          const e = enc('float32', { isSwap, isRegisterSwap });
          expect(decodeRegisters(encodeRegisters(value, e), e)).toBe(Number(Math.fround(value).toPrecision(7)));
        },
      ),
    );
  });
});
