import { describe, expect, it } from 'vitest';
import { buildProperty, formatReported, parseDesired, DesiredValueError, type MapperModel } from './index';

const model: MapperModel = {
  name: 'm',
  spec: {
    properties: [
      { name: 'count', type: 'INT' },
      { name: 'temp', type: 'FLOAT', visitors: { configData: { register: 'HoldingRegister', offset: 1 } } },
      { name: 'on', type: 'BOOLEAN' },
      { name: 'label', type: 'STRING' },
      { name: 'serial', type: 'STRING', accessMode: 'ReadOnly' },
    ],
  },
};
const prop = (name: string, visitor: Record<string, unknown> = {}) =>
  buildProperty({ name, visitors: { configData: visitor } }, model);

describe('property values', () => {
  it('merges the device visitor over the model visitor', () => {
    expect(prop('temp', { offset: 4 }).visitor).toEqual({ register: 'HoldingRegister', offset: 4 });
    expect(prop('temp').model?.type).toBe('FLOAT');
  });

  it('converts desired strings by model type', () => {
    expect(parseDesired(prop('count'), '-12')).toBe(-12);
    expect(parseDesired(prop('temp'), '21.5')).toBe(21.5);
    expect(parseDesired(prop('on'), 'true')).toBe(true);
    expect(parseDesired(prop('on'), '0')).toBe(false);
    expect(parseDesired(prop('label'), 'lane 3')).toBe('lane 3');
  });

  it.each([
    ['count', '1.5', /not an INT/],
    ['temp', 'warm', /not a number/],
    ['on', 'yes', /must be true or false/],
    ['serial', 'x', /ReadOnly/],
  ])('refuses desired %s=%s', (name, raw, message) => {
    expect(() => parseDesired(prop(name), raw)).toThrow(DesiredValueError);
    expect(() => parseDesired(prop(name), raw)).toThrow(message);
  });

  it('formats readings as twin strings', () => {
    expect(formatReported(prop('count'), 3.0000001)).toBe('3');
    expect(formatReported(prop('on'), 1)).toBe('true');
    expect(formatReported(prop('on'), false)).toBe('false');
    expect(formatReported(prop('temp'), 21.5)).toBe('21.5');
    expect(formatReported(prop('label'), true)).toBe('true');
  });
});
