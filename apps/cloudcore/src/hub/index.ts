/**
 * hub: the edge channel. One TLS WebSocket per node (identity = client
 * certificate CN), a coalescing bounded send queue per node, a handshake
 * gate, ping liveness. Other modules plug in through ctx.sessions (frame
 * handlers, open/close hooks) and ctx.routes (HTTPS routes).
 *
 *   ctx.sessions.handle('manifest', (session, frame) => ...);
 *   ctx.sessions.onOpen(async (session) => ensureNode(session.nodeName));
 */
import type { AddressInfo } from 'node:net';
import type { CloudModule } from '../context';
import { startEdgeServer } from './server';
import { NodeSession } from './session';

export type { EdgeSession, ObjectSource, FrameHandler, SessionHook } from './registry';
export { SessionRegistry } from './registry';
export { RouteTable, sendJson, type RouteHandler } from './routes';
export { CONNECT_PATH, SUBPROTOCOL } from './server';

export const hubModule: CloudModule = {
  name: 'hub',
  async start(ctx, signal) {
    ctx.readiness.require('listener');
    ctx.metrics.beforeScrape.push(() => {
      for (const session of ctx.sessions.all()) if (session instanceof NodeSession) session.sampleWireBytes();
    });
    const { server, wss } = await startEdgeServer(ctx);
    const address = server.address() as AddressInfo;
    ctx.listening.resolve({ host: address.address, port: address.port });
    ctx.readiness.set('listener', true);
    ctx.log.info('edge channel listening', { address: address.address, port: address.port });
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    ctx.readiness.set('listener', false);
    for (const session of ctx.sessions.all()) session.close('GOING_AWAY', 'cloudcore is shutting down');
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  },
};
