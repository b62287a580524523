import { EventBusClosedError, EventBusStartError } from './errors';
import type { ExternalBusOptions } from './options';
import type { EventBus, MessageHandler, Unsubscribe } from './types';

/** Uses an operator's broker through MQTT.js; mqtt is imported only in this mode. */
export async function startExternal(
  options: ExternalBusOptions,
  onHandlerError: (error: unknown, topic: string) => void,
): Promise<EventBus> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(options.url, {
    username: options.username,
    password: options.password,
    connectTimeout: options.connectTimeoutMs,
    reconnectPeriod: 1_000,
    clientId: `kedge-edgecore-${process.pid}-${Date.now().toString(36)}`,
  }).catch((cause: unknown) => {
    throw new EventBusStartError(
      `eventbus: cannot connect to external broker ${options.url} (${(cause as Error).message}); check eventbus.external and credentials`,
      { url: options.url },
      { cause },
    );
  });

  // One MQTT subscription per filter on the wire, many local handlers behind it.
  const handlers = new Map<string, Set<MessageHandler>>();
  client.on('message', (topic, payload) => {
    for (const [filter, set] of handlers) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of set) {
        try {
          handler(topic, payload);
        } catch (error) {
          onHandlerError(error, topic);
        }
      }
    }
  });
  let closed = false;

  const subscribe = async (topicFilter: string, handler: MessageHandler): Promise<Unsubscribe> => {
    if (closed) throw new EventBusClosedError(`eventbus: subscribe to ${topicFilter} after close`, { topicFilter });
    let set = handlers.get(topicFilter);
    if (!set) {
      set = new Set();
      handlers.set(topicFilter, set);
      await client.subscribeAsync(topicFilter, { qos: 0 });
    }
    set.add(handler);
    return async () => {
      const current = handlers.get(topicFilter);
      if (!current?.delete(handler) || current.size > 0) return;
      handlers.delete(topicFilter);
      if (!closed) await client.unsubscribeAsync(topicFilter);
    };
  };

  return {
    url: options.url,
    publish: async (topic, payload) => {
      if (closed) throw new EventBusClosedError(`eventbus: publish to ${topic} after close`, { topic });
      await client.publishAsync(topic, payload, { qos: 0, retain: false });
    },
    subscribe,
    close: async () => {
      if (closed) return;
      closed = true;
      handlers.clear();
      await client.endAsync();
    },
  };
}

/** MQTT topic filter match (`+` one level, `#` the rest); `$` topics never match a leading wildcard. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === '#') return true;
    if (i >= t.length) return false;
    if (part !== '+' && part !== t[i]) return false;
  }
  return f.length === t.length;
}
