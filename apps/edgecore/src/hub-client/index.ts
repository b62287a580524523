/**
 * The edge end of the cloud channel.
 *
 * @example
 * const handlers = new HandlerRegistry().register(podsHandler(pods)).register(configsHandler(pods));
 * const hub = new HubClient({ nodeName: 'edge-1', store, handlers, dial: webSocketDialer({ url, caFile, certFile, keyFile, proxy: '', limits }) });
 * hub.onConnected(() => console.log('online'));
 * await hub.run(signal); // reconnects with backoff until signal aborts
 */
export {
  HubClient,
  EDGECORE_VERSION,
  withDefaults as hubClientDefaults,
  type HubClientOptions,
  type HubState,
} from './client';
export {
  memoryConnectionPair,
  WS_CLOSE,
  type CloseInfo,
  type Connection,
  type Dialer,
  type MemoryConnection,
} from './connection';
export { webSocketDialer, SUBPROTOCOL, type WebSocketDialerOptions } from './ws-dialer';
export { Backoff, type BackoffOptions } from './backoff';
export { proxyFor } from './proxy';
export {
  runCertRenewal,
  renewCertificate,
  renewalTime,
  writeAtomically,
  RENEW_PATH,
  type CertRenewalOptions,
} from './renew';
export { HandlerRegistry, type EdgeObject, type ObjectHandler, type RemovedObject } from './handlers/registry';
export { podsHandler, type PodTarget } from './handlers/pods';
export { configsHandler, type ConfigTarget } from './handlers/configs';
export { devicesHandler, type DeviceLookup, type DeviceTarget } from './handlers/devices';
export type { HubStats } from './stats';
