import ModbusRTU from 'modbus-serial';
import {
  buildProperty,
  DesiredValueError,
  DeviceConfigError,
  type DeviceDriver,
  type MapperDevice,
  type MapperModel,
  type MapperProperty,
  type PropertyValue,
} from '@kedge/mapper-sdk';
import { decodeRegisters, encodeRegisters } from './codec';
import { parseConnection, parseVisitor, type ModbusVisitor } from './config';

/**
 * Modbus TCP for one device, on modbus-serial. Connection settings and every
 * property's visitor are checked at connect, so a wrong manifest shows up as
 * one clear error instead of failing reads.
 */
export class ModbusDriver implements DeviceDriver {
  private client: ModbusRTU | undefined;
  private visitors = new Map<string, ModbusVisitor>();

  constructor(private readonly device: MapperDevice) {}

  async connect(device: MapperDevice, model: MapperModel | undefined): Promise<void> {
    const conn = parseConnection(device, model);
    const visitors = new Map<string, ModbusVisitor>();
    for (const spec of device.spec.properties ?? [])
      visitors.set(spec.name, parseVisitor(device, buildProperty(spec, model)));
    const client = new ModbusRTU();
    await client.connectTCP(conn.host, { port: conn.port, timeout: conn.connectTimeoutMs });
    client.setID(conn.unitId);
    client.setTimeout(conn.timeoutMs);
    this.client = client;
    this.visitors = visitors;
  }

  async readProperty(property: MapperProperty): Promise<PropertyValue> {
    const { client, v } = this.target(property);
    switch (v.register) {
      case 'CoilRegister':
        return Boolean((await client.readCoils(v.offset, 1)).data[0]);
      case 'DiscreteInputRegister':
        return Boolean((await client.readDiscreteInputs(v.offset, 1)).data[0]);
      case 'HoldingRegister':
        return decodeRegisters((await client.readHoldingRegisters(v.offset, v.limit)).data, v);
      case 'InputRegister':
        return decodeRegisters((await client.readInputRegisters(v.offset, v.limit)).data, v);
    }
  }

  async writeProperty(property: MapperProperty, value: PropertyValue): Promise<void> {
    const { client, v } = this.target(property);
    if (v.register === 'CoilRegister') {
      await client.writeCoil(v.offset, value === true || value === 1 || value === 'true');
      return;
    }
    if (v.register !== 'HoldingRegister') {
      throw new DeviceConfigError(
        `device ${this.device.id}: property ${property.name} is a ${v.register}, which Modbus cannot write; use a HoldingRegister or CoilRegister`,
        { device: this.device.id, property: property.name },
      );
    }
    let words: number[];
    try {
      words = encodeRegisters(
        typeof value === 'string'
          ? Number(value)
          : typeof value === 'boolean' && v.wire !== 'boolean'
            ? Number(value)
            : value,
        v,
      );
    } catch (error) {
      throw new DesiredValueError(
        `device ${this.device.id}: property ${property.name}: ${(error as Error).message}`,
        { device: this.device.id, property: property.name },
        { cause: error },
      );
    }
    if (words.length === 1) await client.writeRegister(v.offset, words[0]!);
    else await client.writeRegisters(v.offset, words);
  }

  async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client?.isOpen) return;
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }

  private target(property: MapperProperty): { client: ModbusRTU; v: ModbusVisitor } {
    const v = this.visitors.get(property.name);
    if (!this.client?.isOpen) throw new Error(`device ${this.device.id}: Modbus connection is not open`);
    if (!v)
      throw new DeviceConfigError(`device ${this.device.id}: property ${property.name} has no Modbus visitor`, {
        device: this.device.id,
        property: property.name,
      });
    return { client: this.client, v };
  }
}
