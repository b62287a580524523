// Devices at fleet scale on one edge node, every process real: kube-lite,
// cloudcore, edgecore (simulated pod runtime) and a mapper process built on
// mapper-sdk with a simulated driver (bench/devices/sim-mapper.ts).
// N devices × 10 properties, each polled every second; p0 of every device
// changes every `changeEverySec` (spread), the rest hold still, so the edge
// reports to the cloud only what changed. Measures, over a steady window:
//   - edgecore and mapper CPU (% of one core) and RSS (/proc),
//   - cloud-bound bytes per minute (edgecore frame bytes, cloudcore TLS wire bytes),
//   - desired-to-device latency p50/p99: Device desired value patched in the
//     API → the mapper's driver write; and the same for a desired value set
//     locally over MQTT (twin/update expected) → driver write.
// One JSON line on stdout.
//   npx tsx bench/devices [devices=1000] [changeEverySec=10] [windowSec=60] [samples=100]
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import mqtt from 'mqtt';
import { BenchFleet, NODE } from './fleet';
import { cpuTicks, percentile, privateDirtyBytes, rssBytes, TICKS_PER_SECOND } from './proc-stats';

const arg = (i: number, fallback: number, max: number) =>
  Math.min(Number(process.argv[2 + i] ?? fallback) || fallback, max);
const devices = arg(0, 1000, 5000);
const changeEverySec = arg(1, 10, 3600);
const windowSec = arg(2, 60, 600);
const samples = arg(3, 100, 1000);
const PROPERTIES = 10;
const NS = 'default';
const group = { group: 'devices.kubeedge.io', version: 'v1beta1', namespace: NS };
const log = (msg: string) => process.stderr.write(`[bench/devices] ${msg}\n`);

const fleet = new BenchFleet();
try {
  await fleet.start(changeEverySec * 1000);
  const kc = new KubeConfig();
  kc.loadFromFile(fleet.kube.kubeconfigPath);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await createDevices(custom);
  log(`created ${devices} devices; waiting for the mapper to connect them`);
  await fleet.mapper.waitForLine(new RegExp(`^\\{"connected":${devices}\\}`), 300_000);
  // Settle: first readings and first DeviceStatus writes drain before the window.
  await until(async () => (await fleet.edgeHealth()).outbox <= 64, 300_000, 'edge outbox drained to one send window');
  await sleep(5000);

  const pids = { edgecore: fleet.edgecore.pid, mapper: fleet.mapper.pid };
  const cpu0 = { edgecore: cpuTicks(pids.edgecore), mapper: cpuTicks(pids.mapper) };
  const edgeBytes0 = await fleet.metric('edge', 'edgecore_bytes_out_total');
  const wire0 = await fleet.metric('cloud', 'kedge_cloudcore_node_wire_bytes_total', 'direction="in"');
  const rss: { edgecore: number[]; mapper: number[] } = { edgecore: [], mapper: [] };
  const dirty: { edgecore: number[]; mapper: number[] } = { edgecore: [], mapper: [] };
  const t0 = Date.now();
  while (Date.now() - t0 < windowSec * 1000) {
    await sleep(2000);
    rss.edgecore.push(rssBytes(pids.edgecore));
    rss.mapper.push(rssBytes(pids.mapper));
    dirty.edgecore.push(privateDirtyBytes(pids.edgecore));
    dirty.mapper.push(privateDirtyBytes(pids.mapper));
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpuPct = (pid: number, before: number) =>
    (((cpuTicks(pid) - before) / TICKS_PER_SECOND / seconds) * 100).toFixed(1);
  const perMin = (delta: number) => Math.round((delta / seconds) * 60);
  const steady = {
    edgecoreCpuPct: Number(cpuPct(pids.edgecore, cpu0.edgecore)),
    mapperCpuPct: Number(cpuPct(pids.mapper, cpu0.mapper)),
    edgecoreRssMB: Number((Math.max(...rss.edgecore) / 2 ** 20).toFixed(1)),
    mapperRssMB: Number((Math.max(...rss.mapper) / 2 ** 20).toFixed(1)),
    edgecorePrivateDirtyMB: Number((Math.max(...dirty.edgecore) / 2 ** 20).toFixed(1)),
    mapperPrivateDirtyMB: Number((Math.max(...dirty.mapper) / 2 ** 20).toFixed(1)),
    edgecoreHeapUsedMB: Number(((await fleet.metric('edge', 'nodejs_heap_used_bytes')) / 2 ** 20).toFixed(1)),
    cloudBoundFrameBytesPerMin: perMin((await fleet.metric('edge', 'edgecore_bytes_out_total')) - edgeBytes0),
    cloudBoundWireBytesPerMin: perMin(
      (await fleet.metric('cloud', 'kedge_cloudcore_node_wire_bytes_total', 'direction="in"')) - wire0,
    ),
  };
  log(`steady window done: ${JSON.stringify(steady)}`);

  const viaApi = await desiredLatency(samples, async (device, value) => {
    const patch = [{ op: 'replace', path: '/spec/properties/1/desired/value', value }];
    await custom.patchNamespacedCustomObject(
      { ...group, plural: 'devices', name: device, body: patch },
      // JSON patch: replace one desired value, leave the rest of the list alone.
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${fleet.mqttPort}`, { clientId: 'bench-devices' });
  const viaMqtt = await desiredLatency(samples, async (device, value) => {
    const twin = { p1: { expected: { value } } };
    await client.publishAsync(
      `$hw/events/device/${NS}/${device}/twin/update`,
      JSON.stringify({ event_id: value, timestamp: Date.now(), twin }),
    );
  });
  await client.endAsync();

  process.stdout.write(
    `${JSON.stringify({
      bench: 'devices',
      devices,
      propertiesPerDevice: PROPERTIES,
      collectCycleMs: 1000,
      changeEverySec,
      driver: 'simulated (mapper-sdk runner, in-memory driver)',
      windowSec: Math.round(seconds),
      ...steady,
      desiredApiToDeviceMs: viaApi,
      desiredMqttToDeviceMs: viaMqtt,
      node: process.version,
    })}\n`,
  );
} finally {
  await fleet.stop();
}

async function createDevices(api: CustomObjectsApi): Promise<void> {
  const properties = Array.from({ length: PROPERTIES }, (_, i) => ({
    name: `p${i}`,
    type: 'INT',
    accessMode: i === 0 ? 'ReadOnly' : 'ReadWrite',
  }));
  await until(
    () =>
      api.createNamespacedCustomObject({ ...group, plural: 'devicemodels', body: model(properties) }).then(() => true),
    30_000,
    'DeviceModel created (CRDs installed by cloudcore)',
  );
  const next = { i: 0 };
  const worker = async () => {
    for (let i = next.i++; i < devices; i = next.i++) {
      await api.createNamespacedCustomObject({ ...group, plural: 'devices', body: device(i) });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function model(properties: object[]) {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'DeviceModel',
    metadata: { name: 'bench' },
    spec: { protocol: 'bench-sim', properties },
  };
}

function device(i: number) {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'Device',
    metadata: { name: `dev-${i}` },
    spec: {
      deviceModelRef: { name: 'bench' },
      nodeName: NODE,
      protocol: { protocolName: 'bench-sim', configData: {} },
      properties: Array.from({ length: PROPERTIES }, (_, p) => ({
        name: `p${p}`,
        collectCycle: 1000,
        ...(p === 1 ? { desired: { value: '0' } } : {}),
        visitors: { protocolName: 'bench-sim', configData: {} },
      })),
    },
  };
}

/** Sets p1 of `count` different devices, one at a time, and times each until the driver wrote it. */
async function desiredLatency(
  count: number,
  set: (device: string, value: string) => Promise<void>,
): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    const name = `dev-${(k * 7919) % devices}`;
    const value = String(1_000_000 + Math.floor(Math.random() * 1_000_000));
    const written = fleet.mapper.waitForLine(
      new RegExp(`^\\{"write":"${NS}/${name}","property":"p1","value":${value},`),
      10_000,
      { fromNow: true },
    );
    const start = Date.now();
    await set(name, value);
    const at = Number(/"at":(\d+)/.exec(await written)?.[1]);
    times.push(at - start);
    await sleep(20);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? 0, n: times.length };
}

async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`bench/devices: timed out waiting for ${what}`);
    await sleep(50);
  }
}
