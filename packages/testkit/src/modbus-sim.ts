import { ServerTCP, type IServiceVector } from 'modbus-serial';
import { freePort } from './net/ports';

/**
 * Register map of the simulated lane controller, as a Device manifest names it:
 * barrier coil, vehicle counter (input register, uint16), cabinet temperature
 * (holding registers, float32, high word first).
 */
export const LANE_CONTROLLER_LAYOUT = {
  barrierCoil: 0,
  vehicleCountInputRegister: 0,
  temperatureHoldingRegister: 0,
} as const;

export interface LaneControllerSimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port is picked. */
  port?: number;
  /** Initial values. */
  barrier?: boolean;
  vehicleCount?: number;
  temperature?: number;
}

export interface LaneControllerSim {
  readonly host: string;
  readonly port: number;
  /** Barrier coil: true = raised. Writable over Modbus and here. */
  barrier: boolean;
  /** Vehicles counted (0..65535, wraps). Read-only over Modbus. */
  vehicleCount: number;
  /** Cabinet temperature in °C, float32. Writable over Modbus and here. */
  temperature: number;
  /** false: requests get no answer at all, like a hung controller; the TCP connection stays up. */
  answering: boolean;
  /** Modbus requests served so far. */
  readonly requests: number;
  close(): Promise<void>;
}

function floatWords(value: number): [number, number] {
  const b = Buffer.alloc(4);
  b.writeFloatBE(value, 0);
  return [b.readUInt16BE(0), b.readUInt16BE(2)];
}

/** A real Modbus TCP server (modbus-serial ServerTCP) playing a toll lane controller. */
export async function startLaneControllerSim(options: LaneControllerSimOptions = {}): Promise<LaneControllerSim> {
  const host = options.host ?? '127.0.0.1';
  const L = LANE_CONTROLLER_LAYOUT;
  let requests = 0;
  const state = {
    barrier: options.barrier ?? false,
    vehicleCount: options.vehicleCount ?? 0,
    temperature: options.temperature ?? 20,
    answering: true,
  };
  const tempWords = [0, 0];
  // A silent controller: the promise never settles, so the client's own timeout fires.
  const serve = <T>(fn: () => T): Promise<T> => {
    requests++;
    return state.answering ? Promise.resolve(fn()) : new Promise<T>(() => {});
  };
  const holding = (addr: number): number => {
    const i = addr - L.temperatureHoldingRegister;
    if (i !== 0 && i !== 1) return 0;
    const words = floatWords(state.temperature);
    return words[i]!;
  };
  const vector: IServiceVector = {
    getCoil: (addr: number) => serve(() => (addr === L.barrierCoil ? state.barrier : false)),
    getDiscreteInput: () => serve(() => false),
    getInputRegister: (addr: number) =>
      serve(() => (addr === L.vehicleCountInputRegister ? state.vehicleCount & 0xffff : 0)),
    getHoldingRegister: (addr: number) => serve(() => holding(addr)),
    setCoil: (addr: number, value: boolean) =>
      serve(() => {
        if (addr === L.barrierCoil) state.barrier = value;
      }),
    setRegister: (addr: number, value: number) =>
      serve(() => {
        const i = addr - L.temperatureHoldingRegister;
        if (i !== 0 && i !== 1) return;
        // A float spans two registers; single writes land one word at a time.
        [tempWords[0], tempWords[1]] = floatWords(state.temperature);
        tempWords[i] = value;
        const b = Buffer.alloc(4);
        b.writeUInt16BE(tempWords[0]!, 0);
        b.writeUInt16BE(tempWords[1]!, 2);
        state.temperature = b.readFloatBE(0);
      }),
  };

  let server: ServerTCP | undefined;
  let port = options.port ?? 0;
  for (let attempt = 0; !server; attempt++) {
    const tryPort = port || (await freePort(host));
    const candidate = new ServerTCP(vector, { host, port: tryPort, unitID: 255 });
    const ok = await new Promise<boolean>((resolve, reject) => {
      candidate.once('initialized', () => resolve(true));
      candidate.once('serverError', (error: Error | null) => {
        // Another process took the probed port in between: try a new one.
        if (port === 0 && attempt < 5) resolve(false);
        else reject(new Error(`lane controller sim: cannot listen on ${host}:${tryPort}: ${error?.message}`));
      });
    });
    if (ok) {
      server = candidate;
      port = tryPort;
    }
  }
  const running = server;

  return {
    host,
    port,
    get barrier() {
      return state.barrier;
    },
    set barrier(v: boolean) {
      state.barrier = v;
    },
    get vehicleCount() {
      return state.vehicleCount;
    },
    set vehicleCount(v: number) {
      state.vehicleCount = v;
    },
    get temperature() {
      return state.temperature;
    },
    set temperature(v: number) {
      state.temperature = v;
    },
    get answering() {
      return state.answering;
    },
    set answering(v: boolean) {
      state.answering = v;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of running.socks.keys()) sock.destroy();
        running.close(() => resolve());
      }),
  };
}
