import { afterEach, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { startEventBus, EventBusOptionsError, EventBusStartError, EventBusClosedError, type EventBus } from './index';
import { topicMatches } from './external';
import * as x509 from '@peculiar/x509';

/** A throwaway self-signed certificate for 127.0.0.1. */
async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bus(options: Parameters<typeof startEventBus>[0] = {}): Promise<EventBus> {
  const b = await startEventBus({ port: 0, ...options });
  cleanups.push(() => b.close());
  return b;
}

async function client(url: string, opts: { username?: string; password?: string } = {}): Promise<MqttClient> {
  const c = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...opts });
  cleanups.push(() => c.endAsync());
  return c;
}

function nextMessage(c: MqttClient, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer): void => {
      if (t !== topic) return;
      c.off('message', on);
      resolve(payload.toString());
    };
    c.on('message', on);
  });
}

describe('startEventBus (embedded aedes)', () => {
  it('listens on loopback and carries messages both ways with an MQTT client', async () => {
    const b = await bus();
    expect(b.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const c = await client(b.url);
    const got: string[] = [];
    await b.subscribe('$hw/events/device/+/+/twin/update', (topic, payload) =>
      got.push(`${topic} ${payload.toString()}`),
    );
    await c.publishAsync('$hw/events/device/default/lane-1/twin/update', '{"a":1}');
    await expect.poll(() => got).toEqual(['$hw/events/device/default/lane-1/twin/update {"a":1}']);

    await c.subscribeAsync('$hw/events/node/n1/#');
    const received = nextMessage(c, '$hw/events/node/n1/membership/updated');
    await b.publish('$hw/events/node/n1/membership/updated', 'hello');
    expect(await received).toBe('hello');
  });

  it('stops delivering after unsubscribe, and a throwing handler does not stop others', async () => {
    const errors: unknown[] = [];
    const b = await startEventBus({ port: 0 }, undefined, { onHandlerError: (e) => errors.push(e) });
    cleanups.push(() => b.close());
    const seen: string[] = [];
    const off = await b.subscribe('t/#', (topic) => seen.push(topic));
    await b.subscribe('t/#', () => {
      throw new Error('boom');
    });
    await b.publish('t/1', 'x');
    await expect.poll(() => seen).toEqual(['t/1']);
    expect(errors).toHaveLength(1);
    await off();
    await b.publish('t/2', 'x');
    await expect.poll(() => errors.length).toBe(2);
    expect(seen).toEqual(['t/1']);
  });

  it('disconnects a client that publishes more than maxPayloadBytes', async () => {
    const b = await bus({ maxPayloadBytes: 1024 });
    const got: number[] = [];
    await b.subscribe('big/#', (_t, payload) => got.push(payload.length));
    const c = await client(b.url);
    await c.publishAsync('big/ok', Buffer.alloc(1024));
    await expect.poll(() => got).toEqual([1024]);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish('big/no', Buffer.alloc(1025));
    await closed;
    expect(got).toEqual([1024]);
  });

  it('speaks MQTTS when given a certificate and key', async () => {
    const tls = await selfSigned();
    const b = await bus({ tls });
    expect(b.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const got: string[] = [];
    await b.subscribe('secure/#', (topic) => got.push(topic));
    const c = await connectAsync(b.url, { reconnectPeriod: 0, ca: tls.cert, rejectUnauthorized: true });
    cleanups.push(() => c.endAsync());
    await c.publishAsync('secure/1', 'x');
    await expect.poll(() => got).toEqual(['secure/1']);
  });

  it('requires the configured credentials', async () => {
    const b = await bus({ username: 'mapper', password: 's3cret' });
    await expect(client(b.url, { username: 'mapper', password: 'wrong' })).rejects.toThrow(
      /username or password|Not authorized|Bad/i,
    );
    const ok = await client(b.url, { username: 'mapper', password: 's3cret' });
    expect(ok.connected).toBe(true);
  });

  it('names the port when it is taken, and closes on abort', async () => {
    const first = await bus();
    const port = Number(new URL(first.url).port);
    await expect(startEventBus({ port })).rejects.toBeInstanceOf(EventBusStartError);

    const controller = new AbortController();
    const b = await startEventBus({ port: 0 }, controller.signal);
    controller.abort();
    await expect
      .poll(() =>
        b.publish('x', 'y').then(
          () => 'open',
          (e: unknown) => (e instanceof EventBusClosedError ? 'closed' : 'other'),
        ),
      )
      .toBe('closed');
  });

  it('rejects bad options with the field name', async () => {
    await expect(startEventBus({ port: 70000 })).rejects.toThrow(/eventbus.port/);
    await expect(startEventBus({ username: 'only' })).rejects.toThrow(EventBusOptionsError);
    await expect(startEventBus({ external: 'http://x' })).rejects.toThrow(/eventbus.external/);
    await expect(startEventBus({ external: 'not a url' })).rejects.toThrow(/not a URL/);
    await expect(startEventBus({ tls: { cert: '', key: 'k' } })).rejects.toThrow(/eventbus.tls/);
    await expect(startEventBus({ maxPayloadBytes: 0 })).rejects.toThrow(/eventbus.maxPayloadBytes/);
  });
});

describe('startEventBus (external broker)', () => {
  it('uses another broker through MQTT.js', async () => {
    const broker = await bus();
    const ext = await bus({ external: broker.url });
    expect(ext.url).toBe(broker.url);
    const got: string[] = [];
    const off = await ext.subscribe('$hw/events/device/#', (topic, payload) =>
      got.push(`${topic}=${payload.toString()}`),
    );
    await broker.publish('$hw/events/device/ns/d/state/update', 'on');
    await expect.poll(() => got).toEqual(['$hw/events/device/ns/d/state/update=on']);

    const back: string[] = [];
    await broker.subscribe('up/+', (topic) => back.push(topic));
    await ext.publish('up/1', 'x');
    await expect.poll(() => back).toEqual(['up/1']);
    await off();
  });

  it('fails clearly when the external broker is not there', async () => {
    await expect(startEventBus({ external: 'mqtt://127.0.0.1:1', connectTimeoutMs: 2_000 })).rejects.toBeInstanceOf(
      EventBusStartError,
    );
  });

  it('matches topic filters like an MQTT broker', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('#', '$hw/x')).toBe(false);
    expect(topicMatches('$hw/#', '$hw/x')).toBe(true);
  });
});
