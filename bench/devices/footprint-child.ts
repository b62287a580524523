// Child of footprint.ts: builds one configuration, then prints its settled RSS.
import Database from 'better-sqlite3';
import { startEventBus } from '@kedge/edgecore/src/eventbus';
import { DeviceTwinManager } from '@kedge/edgecore/src/twin';

const mode = process.argv[2] ?? 'baseline';
const devices = Number(process.argv[3] ?? 1000);

async function settled(): Promise<{ rssMb: number; heapMb: number }> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapMb: (m.heapUsed + m.external) / 2 ** 20 };
}

const db = new Database(':memory:');
let close: () => Promise<void> = async () => {};
if (mode === 'eventbus' || mode === 'twin') {
  const bus = await startEventBus({ port: 0 });
  close = () => bus.close();
  if (mode === 'twin') {
    const twins = new DeviceTwinManager({ db, nodeName: 'bench', bus });
    await twins.start();
    for (let i = 0; i < devices; i++) {
      await twins.applyDevice(
        {
          metadata: { name: `lane-${i}`, namespace: 'default' },
          spec: {
            deviceModelRef: { name: 'lane-controller' },
            protocol: { protocolName: 'modbus', configData: { ip: '127.0.0.1', port: 502, slaveID: 1 } },
            properties: ['barrier', 'vehicle-count', 'temperature'].map((name) => ({
              name,
              collectCycle: 1000,
              visitors: { protocolName: 'modbus', configData: { register: 'HoldingRegister', offset: 0, limit: 1 } },
            })),
          },
        },
        {
          metadata: { name: 'lane-controller' },
          spec: {
            properties: [
              { name: 'barrier', type: 'BOOLEAN' },
              { name: 'vehicle-count', type: 'INT' },
              { name: 'temperature', type: 'FLOAT' },
            ],
          },
        },
      );
    }
  }
}
process.stdout.write(`${JSON.stringify({ mode, ...(await settled()) })}\n`);
await close();
db.close();
