import { describe, expect, it } from 'vitest';
import { buildProperty, DeviceConfigError, type MapperDevice } from '@kedge/mapper-sdk';
import { parseConnection, parseVisitor } from './config';

const device = (configData: Record<string, unknown>, visitor: Record<string, unknown> = {}): MapperDevice => ({
  id: 'default/lane-1',
  namespace: 'default',
  name: 'lane-1',
  spec: {
    protocol: { protocolName: 'modbus', configData },
    properties: [{ name: 'temp', visitors: { protocolName: 'modbus', configData: visitor } }],
  },
});
const visit = (visitor: Record<string, unknown>, modelType?: string) => {
  const d = device({ ip: '127.0.0.1' }, visitor);
  const model = modelType ? { name: 'm', spec: { properties: [{ name: 'temp', type: modelType }] } } : undefined;
  return parseVisitor(d, buildProperty(d.spec.properties![0]!, model));
};

describe('Modbus device config (KubeEdge field names)', () => {
  it('reads a KubeEdge v1beta1 protocol block, numbers as strings included', () => {
    expect(
      parseConnection(device({ communicateMode: 'TCP', ip: '10.0.0.5', port: '5502', slaveID: 1 }), undefined),
    ).toEqual({ host: '10.0.0.5', port: 5502, unitId: 1, timeoutMs: 1000, connectTimeoutMs: 3000 });
    expect(parseConnection(device({ ip: 'plc', unitID: 0, timeoutMs: 250 }), undefined)).toMatchObject({
      port: 502,
      unitId: 0,
      timeoutMs: 250,
    });
  });

  it.each([
    [{}, /protocol.configData.ip: is required/],
    [{ ip: 'x', port: 70000 }, /protocol.configData.port: 70000 is not an integer 1..65535/],
    [{ ip: 'x', slaveID: 'one' }, /slaveID: "one" is not an integer 0..255/],
    [{ ip: 'x', communicateMode: 'RTU' }, /communicateMode: "RTU" is not supported/],
  ])('refuses protocol config %j', (config, message) => {
    expect(() => parseConnection(device(config), undefined)).toThrow(DeviceConfigError);
    expect(() => parseConnection(device(config), undefined)).toThrow(message);
  });

  it('maps KubeEdge visitors to register layouts', () => {
    expect(visit({ register: 'CoilRegister', offset: 0, limit: 1 })).toMatchObject({
      register: 'CoilRegister',
      wire: 'boolean',
      limit: 1,
    });
    expect(visit({ register: 'HoldingRegister', offset: 2, limit: 1, scale: 0.1, dataType: 'float' })).toMatchObject({
      wire: 'int16',
      scale: 0.1,
      offset: 2,
    });
    expect(
      visit({ register: 'HoldingRegister', offset: 0, limit: 2, dataType: 'float', isRegisterSwap: true }),
    ).toMatchObject({ wire: 'float32', limit: 2, isRegisterSwap: true });
    expect(visit({ register: 'InputRegister', offset: '4', dataType: 'uint32', isSwap: 'true' })).toMatchObject({
      wire: 'uint32',
      limit: 2,
      offset: 4,
      isSwap: true,
    });
    expect(visit({ register: 'InputRegister', offset: 1, limit: 2 }, 'INT')).toMatchObject({ wire: 'int32' });
    expect(visit({ register: 'HoldingRegister', offset: 1, valueOffset: -40 }, 'FLOAT')).toMatchObject({
      wire: 'int16',
      valueOffset: -40,
    });
  });

  it.each([
    [{ offset: 0 }, /visitors.configData.register: undefined must be one of CoilRegister/],
    [{ register: 'Holding', offset: 0 }, /"Holding" must be one of/],
    [{ register: 'HoldingRegister' }, /offset: is required/],
    [{ register: 'HoldingRegister', offset: 0, dataType: 'string' }, /dataType: "string" is not supported/],
    [{ register: 'CoilRegister', offset: 0, dataType: 'int16' }, /holds single bits; use boolean/],
    [{ register: 'HoldingRegister', offset: 0, dataType: 'float32', limit: 1 }, /limit: 1 is too small for float32/],
    [{ register: 'HoldingRegister', offset: 0, scale: 0 }, /scale: must not be 0/],
    [{ register: 'HoldingRegister', offset: 0, isSwap: 'yes' }, /isSwap: "yes" must be true or false/],
  ])('refuses visitor %j naming the field', (visitor, message) => {
    expect(() => visit(visitor)).toThrow(message);
  });
});
