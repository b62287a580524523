import { createServer } from 'node:net';
import { ServerTCP } from 'modbus-serial';

/**
 * A plain Modbus TCP register bank for this app's tests (the app may not
 * import @kedge/testkit). Every table has 64 entries; `answering = false`
 * makes the server go silent with the connection up.
 */
export interface RegisterServer {
  readonly port: number;
  readonly coils: boolean[];
  readonly discrete: boolean[];
  readonly holding: number[];
  readonly input: number[];
  answering: boolean;
  close(): Promise<void>;
}

export async function startRegisterServer(): Promise<RegisterServer> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
  const bank = {
    coils: Array<boolean>(64).fill(false),
    discrete: Array<boolean>(64).fill(false),
    holding: Array<number>(64).fill(0),
    input: Array<number>(64).fill(0),
    answering: true,
  };
  const serve = <T>(fn: () => T): Promise<T> => (bank.answering ? Promise.resolve(fn()) : new Promise<T>(() => {}));
  const server = new ServerTCP(
    {
      getCoil: (a: number) => serve(() => bank.coils[a] ?? false),
      getDiscreteInput: (a: number) => serve(() => bank.discrete[a] ?? false),
      getHoldingRegister: (a: number) => serve(() => bank.holding[a] ?? 0),
      getInputRegister: (a: number) => serve(() => bank.input[a] ?? 0),
      setCoil: (a: number, v: boolean) => serve(() => void (bank.coils[a] = v)),
      setRegister: (a: number, v: number) => serve(() => void (bank.holding[a] = v)),
    },
    { host: '127.0.0.1', port, unitID: 255 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (e: Error | null) => reject(e ?? new Error('listen failed')));
  });
  return Object.assign(bank, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of server.socks.keys()) sock.destroy();
        server.close(() => resolve());
      }),
  });
}
