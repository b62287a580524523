import type { DeviceDriver, DriverFactory, MapperProperty, PropertyValue } from '../driver';

/** One simulated device: its property values, whether it answers, and what was written to it. */
export interface FakeDevice {
  readonly id: string;
  readonly values: Map<string, PropertyValue>;
  readonly writes: { property: string; value: PropertyValue }[];
  /** false: every call fails, as if the cable were pulled. */
  answering: boolean;
  /** Connected right now (between connect and disconnect). */
  readonly connected: boolean;
  /** Successful connects. */
  readonly connects: number;
  /** All connect calls, refused ones included. */
  readonly connectAttempts: number;
}

export interface FakeDevices {
  /** Register this under the protocol name your test devices use. */
  readonly driver: DriverFactory;
  /** The simulated device for a device id (`namespace/name`); created on first use. */
  device(id: string): FakeDevice;
}

class FakeDeviceState implements FakeDevice {
  readonly values = new Map<string, PropertyValue>();
  readonly writes: { property: string; value: PropertyValue }[] = [];
  answering = true;
  connected = false;
  connects = 0;
  connectAttempts = 0;
  constructor(readonly id: string) {}
}

/**
 * In-memory devices for testing a mapper setup without hardware. Reads return
 * the value set in `values` (a property never set reads as 0); writes store it.
 */
export function fakeDevices(): FakeDevices {
  const devices = new Map<string, FakeDeviceState>();
  const device = (id: string): FakeDeviceState => {
    let d = devices.get(id);
    if (!d) devices.set(id, (d = new FakeDeviceState(id)));
    return d;
  };
  const driver: DriverFactory = (target) => {
    const d = device(target.id);
    const check = (): void => {
      if (!d.answering) throw new Error(`fake device ${d.id} is not answering`);
      if (!d.connected) throw new Error(`fake device ${d.id} is not connected`);
    };
    const impl: DeviceDriver = {
      connect: async () => {
        d.connectAttempts++;
        if (!d.answering) throw new Error(`fake device ${d.id} refused the connection`);
        d.connected = true;
        d.connects++;
      },
      readProperty: async (p: MapperProperty) => {
        check();
        return d.values.get(p.name) ?? 0;
      },
      writeProperty: async (p: MapperProperty, value: PropertyValue) => {
        check();
        d.values.set(p.name, value);
        d.writes.push({ property: p.name, value });
      },
      disconnect: async () => {
        d.connected = false;
      },
    };
    return impl;
  };
  return { driver, device };
}
