/**
 * edgecore's MQTT bus, where mappers and the device twin meet.
 *
 * ```ts
 * const bus = await startEventBus({ port: 1883 }, signal);
 * await bus.subscribe('$hw/events/device/#', (topic, payload) => { ... });
 * await bus.publish('$hw/events/node/n1/membership/updated', JSON.stringify(msg));
 * console.log(bus.url); // mqtt://127.0.0.1:1883
 * ```
 *
 * By default an embedded aedes broker listens on loopback; `external: url`
 * uses an existing broker instead. Aborting `signal` closes the bus.
 */
import { startEmbedded } from './embedded';
import { startExternal } from './external';
import { withDefaults, type EventBusOptions } from './options';
import type { EventBus } from './types';

export type { EventBus, MessageHandler, Unsubscribe } from './types';
export type { EventBusOptions } from './options';
export { EventBusOptionsError, EventBusStartError, EventBusClosedError } from './errors';

export interface StartEventBusHooks {
  /** A subscriber's handler threw; the bus keeps delivering. Default: write to stderr. */
  onHandlerError?: (error: unknown, topic: string) => void;
}

export async function startEventBus(
  options: EventBusOptions,
  signal?: AbortSignal,
  hooks: StartEventBusHooks = {},
): Promise<EventBus> {
  const resolved = withDefaults(options);
  const onHandlerError =
    hooks.onHandlerError ??
    ((error: unknown, topic: string) =>
      process.stderr.write(
        `${JSON.stringify({ level: 'error', module: 'eventbus', msg: 'handler failed', topic, error: String(error) })}\n`,
      ));
  signal?.throwIfAborted();
  const bus =
    resolved.mode === 'external'
      ? await startExternal(resolved, onHandlerError)
      : await startEmbedded(resolved, onHandlerError);
  if (signal) {
    if (signal.aborted) await bus.close();
    else signal.addEventListener('abort', () => void bus.close(), { once: true });
  }
  return bus;
}
