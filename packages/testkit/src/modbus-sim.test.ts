import { afterEach, describe, expect, it } from 'vitest';
import ModbusRTU from 'modbus-serial';
import { startLaneControllerSim, LANE_CONTROLLER_LAYOUT as L, type LaneControllerSim } from './modbus-sim';

let sim: LaneControllerSim | undefined;
let client: ModbusRTU | undefined;
afterEach(async () => {
  if (client?.isOpen) await new Promise<void>((r) => client!.close(() => r()));
  await sim?.close();
});

async function connect(s: LaneControllerSim): Promise<ModbusRTU> {
  client = new ModbusRTU();
  await client.connectTCP(s.host, { port: s.port });
  client.setID(1);
  client.setTimeout(500);
  return client;
}

describe('lane controller simulator', () => {
  it('serves barrier, vehicle count and temperature over real Modbus TCP', async () => {
    sim = await startLaneControllerSim({ vehicleCount: 42, temperature: 21.5 });
    expect(sim.port).toBeGreaterThan(0);
    const c = await connect(sim);
    expect((await c.readCoils(L.barrierCoil, 1)).data[0]).toBe(false);
    expect((await c.readInputRegisters(L.vehicleCountInputRegister, 1)).data).toEqual([42]);
    const t = (await c.readHoldingRegisters(L.temperatureHoldingRegister, 2)).buffer.readFloatBE(0);
    expect(t).toBe(21.5);

    await c.writeCoil(L.barrierCoil, true);
    expect(sim.barrier).toBe(true);
    const b = Buffer.alloc(4);
    b.writeFloatBE(-3.25, 0);
    await c.writeRegisters(L.temperatureHoldingRegister, [b.readUInt16BE(0), b.readUInt16BE(2)]);
    expect(sim.temperature).toBe(-3.25);

    sim.vehicleCount = 43;
    expect((await c.readInputRegisters(L.vehicleCountInputRegister, 1)).data).toEqual([43]);
  });

  it('can stop answering while the connection stays up', async () => {
    sim = await startLaneControllerSim();
    const c = await connect(sim);
    sim.answering = false;
    await expect(c.readCoils(L.barrierCoil, 1)).rejects.toThrow(/timed out/i);
    sim.answering = true;
    const again = await connect(sim);
    expect((await again.readCoils(L.barrierCoil, 1)).data[0]).toBe(false);
  });
});
