import { DeviceConfigError, type MapperDevice, type MapperModel, type MapperProperty } from '@kedge/mapper-sdk';
import { registerCount, type Encoding, type WireType } from './codec';

// Field names follow KubeEdge's Modbus mapper (protocol configData: ip, port,
// slaveID; visitor configData: register, offset, limit, scale, isSwap,
// isRegisterSwap, dataType). timeoutMs, connectTimeoutMs and valueOffset are
// Kedge additions.

export type RegisterType = 'CoilRegister' | 'DiscreteInputRegister' | 'HoldingRegister' | 'InputRegister';
const REGISTERS: readonly RegisterType[] = [
  'CoilRegister',
  'DiscreteInputRegister',
  'HoldingRegister',
  'InputRegister',
];
const WIRE_TYPES: readonly WireType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'boolean'];

export interface ModbusConnection {
  readonly host: string;
  readonly port: number;
  /** Modbus unit id (KubeEdge `slaveID`). */
  readonly unitId: number;
  /** Per request. Default 1000 ms. */
  readonly timeoutMs: number;
  /** TCP connect. Default 3000 ms. */
  readonly connectTimeoutMs: number;
}

export interface ModbusVisitor extends Encoding {
  readonly register: RegisterType;
  /** Register (or coil) address. */
  readonly offset: number;
  /** Registers read or written. */
  readonly limit: number;
}

function fail(device: MapperDevice, where: string, message: string): never {
  throw new DeviceConfigError(`device ${device.id}: ${where}: ${message}`, { device: device.id, where });
}

/** Accepts numbers and numeric strings (KubeEdge manifests use both, e.g. port: "5502"). */
function integer(
  device: MapperDevice,
  where: string,
  raw: unknown,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === null || raw === '') {
    if (fallback === undefined) fail(device, where, `is required (an integer ${min}..${max})`);
    return fallback;
  }
  const n = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    fail(device, where, `${JSON.stringify(raw)} is not an integer ${min}..${max}`);
  return n;
}

function number(device: MapperDevice, where: string, raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(device, where, `${JSON.stringify(raw)} is not a number`);
  return n;
}

function flag(device: MapperDevice, where: string, raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  fail(device, where, `${JSON.stringify(raw)} must be true or false`);
}

export function parseConnection(device: MapperDevice, model: MapperModel | undefined): ModbusConnection {
  const data: Record<string, unknown> = { ...model?.spec.protocolConfigData, ...device.spec.protocol?.configData };
  const mode = String(data.communicateMode ?? 'TCP').toUpperCase();
  if (mode !== 'TCP')
    fail(
      device,
      'protocol.configData.communicateMode',
      `"${String(data.communicateMode)}" is not supported; this mapper speaks Modbus TCP`,
    );
  const host = data.ip ?? data.host;
  if (typeof host !== 'string' || host.trim() === '')
    fail(device, 'protocol.configData.ip', 'is required: the Modbus TCP address of the device, e.g. 10.0.0.21');
  return {
    host: host.trim(),
    port: integer(device, 'protocol.configData.port', data.port, 502, 1, 65535),
    unitId: integer(device, 'protocol.configData.slaveID', data.slaveID ?? data.unitID, 1, 0, 255),
    timeoutMs: integer(device, 'protocol.configData.timeoutMs', data.timeoutMs ?? data.timeout, 1000, 1, 600_000),
    connectTimeoutMs: integer(device, 'protocol.configData.connectTimeoutMs', data.connectTimeoutMs, 3000, 1, 600_000),
  };
}

/** The register layout when dataType is KubeEdge's generic int/float (or absent): limit decides the width. */
function wireFor(
  dataType: string,
  register: RegisterType,
  limit: number | undefined,
  modelType: string | undefined,
): WireType | undefined {
  if (register === 'CoilRegister' || register === 'DiscreteInputRegister') return 'boolean';
  const type = dataType || modelType?.toLowerCase() || 'int';
  if (type === 'boolean') return 'boolean';
  if (type === 'int' || type === 'integer') return limit === 2 ? 'int32' : 'int16';
  if (type === 'float' || type === 'double') return limit === 2 ? 'float32' : 'int16';
  return undefined;
}

export function parseVisitor(device: MapperDevice, property: MapperProperty): ModbusVisitor {
  const v = property.visitor;
  const at = (field: string) => `properties[${property.name}].visitors.configData.${field}`;
  const register = v.register;
  if (typeof register !== 'string' || !REGISTERS.includes(register as RegisterType)) {
    fail(device, at('register'), `${JSON.stringify(register)} must be one of ${REGISTERS.join(', ')}`);
  }
  const reg = register as RegisterType;
  const offset = integer(device, at('offset'), v.offset, undefined, 0, 65535);
  const givenLimit = v.limit === undefined ? undefined : integer(device, at('limit'), v.limit, undefined, 1, 125);
  const dataType = typeof v.dataType === 'string' ? v.dataType.toLowerCase() : '';
  const wire = WIRE_TYPES.includes(dataType as WireType)
    ? (dataType as WireType)
    : wireFor(dataType, reg, givenLimit, property.model?.type);
  if (!wire)
    fail(
      device,
      at('dataType'),
      `"${String(v.dataType)}" is not supported; use int16, uint16, int32, uint32, float32, boolean (or KubeEdge's int, float, double with limit)`,
    );
  if ((reg === 'CoilRegister' || reg === 'DiscreteInputRegister') && wire !== 'boolean')
    fail(device, at('dataType'), `${reg} holds single bits; use boolean`);
  const needed = registerCount(wire);
  if (givenLimit !== undefined && givenLimit < needed)
    fail(device, at('limit'), `${givenLimit} is too small for ${wire}, which needs ${needed} registers`);
  const scale = number(device, at('scale'), v.scale, 1);
  if (scale === 0) fail(device, at('scale'), 'must not be 0');
  return {
    register: reg,
    offset,
    limit: needed,
    wire,
    isSwap: flag(device, at('isSwap'), v.isSwap),
    isRegisterSwap: flag(device, at('isRegisterSwap'), v.isRegisterSwap),
    scale,
    valueOffset: number(device, at('valueOffset'), v.valueOffset, 0),
  };
}
