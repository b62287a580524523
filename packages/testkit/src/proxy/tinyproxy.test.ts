import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyStartError } from '../errors';
import { canConnect } from '../net/ports';
import { waitFor } from '../proc/wait-for';
import { startTinyproxy, type Tinyproxy } from './tinyproxy';

const installed = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v tinyproxy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Opens a CONNECT tunnel through the proxy; resolves to the socket and the proxy's status line. */
function tunnel(proxyPort: number, target: string): Promise<{ socket: Socket; status: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: proxyPort }, () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ socket, status: head.subarray(0, head.indexOf('\r\n')).toString(), rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe.skipIf(!installed)(
  `tinyproxy${installed ? '' : ' (skipped: tinyproxy is not installed; apt-get install tinyproxy)'}`,
  () => {
    let echo: Server;
    let echoPort: number;
    let proxy: Tinyproxy;

    beforeAll(async () => {
      echo = createServer((s) => s.pipe(s));
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      echoPort = (echo.address() as AddressInfo).port;
      proxy = await startTinyproxy({ port: 0, connectPorts: [echoPort] });
    });

    afterAll(async () => {
      await proxy?.stop();
      await new Promise((resolve) => echo.close(resolve));
    });

    it('tunnels CONNECT to an allowed port and counts the request', async () => {
      expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
      const before = proxy.requests();
      const { socket, status } = await tunnel(proxy.port, `127.0.0.1:${echoPort}`);
      expect(status).toMatch(/^HTTP\/1\.[01] 200/);
      const echoed = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
      socket.write('through the proxy');
      expect(await echoed).toBe('through the proxy');
      socket.destroy();
      await waitFor(() => proxy.requests() === before + 1, {
        description: 'tinyproxy to log the CONNECT',
        timeoutMs: 5_000,
        intervalMs: 20,
      });
    });

    it('refuses CONNECT to a port not listed', async () => {
      const { socket, status } = await tunnel(proxy.port, '127.0.0.1:22');
      expect(status).toMatch(/^HTTP\/1\.[01] 403/);
      socket.destroy();
    });

    it('stop ends the process and removes its files', async () => {
      const other = await startTinyproxy({ connectPorts: [echoPort], allow: ['127.0.0.0/8'] });
      await other.stop();
      expect(existsSync(other.logFile)).toBe(false);
      expect(await canConnect('127.0.0.1', other.port)).toBe(false);
    });

    it('rejects bad options and a taken port with the reason', async () => {
      await expect(startTinyproxy({ connectPorts: [] })).rejects.toThrow(
        /connectPorts \[\] is invalid: list the ports/,
      );
      await expect(startTinyproxy({ connectPorts: [443], allow: ['10.0.0.0/33'] })).rejects.toThrow(
        /allow entry "10.0.0.0\/33"/,
      );
      await expect(startTinyproxy({ connectPorts: [443], port: proxy.port })).rejects.toSatisfy(
        (e) => e instanceof ProxyStartError && /Could not create listening sockets/.test(e.message),
      );
    });
  },
);
