import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import type { AedesPublishPacket } from 'aedes';
import { EventBusClosedError, EventBusStartError } from './errors';
import type { EmbeddedBusOptions } from './options';
import type { EventBus, MessageHandler, Unsubscribe } from './types';

type Deliver = (packet: AedesPublishPacket, done: () => void) => void;

function sameSecret(expected: string, given: Buffer | string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts aedes behind a TCP (or TLS) listener. aedes is imported here, not at
 * module load, so an edgecore that points at an external broker never pays
 * for it.
 */
export async function startEmbedded(
  options: EmbeddedBusOptions,
  onHandlerError: (error: unknown, topic: string) => void,
): Promise<EventBus> {
  const { default: Aedes } = await import('aedes');
  const broker = new Aedes({
    authenticate: (_client, username, password, done) => {
      if (options.username === undefined) return done(null, true);
      const ok = username === options.username && sameSecret(options.password ?? '', password);
      if (ok) return done(null, true);
      const error = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
      return done(error, false);
    },
    authorizePublish: (_client, packet, done) => {
      const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      done(
        size > options.maxPayloadBytes
          ? new Error(`payload of ${size} bytes on ${packet.topic} exceeds ${options.maxPayloadBytes}`)
          : null,
      );
    },
  });
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, broker.handle)
    : createTcpServer(broker.handle);

  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error): void => {
      reject(
        new EventBusStartError(
          `eventbus: cannot listen on ${options.host}:${options.port} (${cause.message}); free the port or set eventbus.port`,
          { host: options.host, port: options.port },
          { cause },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed = false;

  const publish = (topic: string, payload: string | Buffer): Promise<void> => {
    if (closed) return Promise.reject(new EventBusClosedError(`eventbus: publish to ${topic} after close`, { topic }));
    return new Promise((resolve, reject) => {
      broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  };

  const subscribe = (topicFilter: string, handler: MessageHandler): Promise<Unsubscribe> => {
    if (closed)
      return Promise.reject(
        new EventBusClosedError(`eventbus: subscribe to ${topicFilter} after close`, { topicFilter }),
      );
    const deliver: Deliver = (packet, done) => {
      try {
        handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      } catch (error) {
        onHandlerError(error, packet.topic);
      }
      done();
    };
    return new Promise((resolve) => {
      broker.subscribe(topicFilter, deliver, () =>
        resolve(() => new Promise<void>((done) => (closed ? done() : broker.unsubscribe(topicFilter, deliver, done)))),
      );
    });
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Connected sockets keep server.close() waiting; aedes has already closed its clients.
    });
  };

  return { url: `${options.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`, publish, subscribe, close };
}
