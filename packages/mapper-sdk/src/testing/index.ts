/**
 * Test helpers for mapper authors: run your driver against an in-process
 * stand-in for edgecore, with no edge node.
 *
 * ```ts
 * import { runMapper } from '@kedge/mapper-sdk';
 * import { startTestEdge } from '@kedge/mapper-sdk/testing';
 *
 * const edge = await startTestEdge({ devices: [{ name: 'pump-1', spec }] });
 * const stop = new AbortController();
 * const done = runMapper({ brokerUrl: edge.url, nodeName: edge.nodeName, drivers: { myproto: myDriver }, signal: stop.signal });
 * // ... poll edge.reported('default/pump-1', 'pressure'), call edge.setDesired(...)
 * stop.abort(); await done; await edge.close();
 * ```
 */
export { startTestEdge, type TestEdge, type TestDevice } from './test-edge';
export { fakeDevices, type FakeDevice, type FakeDevices } from './fake-device';
