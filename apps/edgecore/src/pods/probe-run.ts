import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ContainerRuntime } from '../runtime';
import type { Container, Handler, Probe } from './kube-types';

// One probe attempt, as kubelet runs it: exec in the container, HTTP GET or
// TCP connect to the pod IP. Resolves to success or failure, never rejects.

export interface ProbeOutcome {
  ok: boolean;
  message: string;
}

export interface ProbeTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: Container;
  podIP: string;
}

function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port)?.containerPort;
  if (named !== undefined) return named;
  const numeric = Number(port);
  return Number.isInteger(numeric) && numeric > 0 ? numeric : undefined;
}

function httpProbe(
  get: NonNullable<Handler['httpGet']>,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const port = resolvePort(get.port, target.container);
  if (port === undefined)
    return Promise.resolve({ ok: false, message: `httpGet port "${get.port}" names no container port` });
  const request = get.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { 'User-Agent': 'kedge-probe/1.0', Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const req = request(
      {
        host: get.host || target.podIP,
        port,
        path: get.path || '/',
        method: 'GET',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, message: `HTTP probe returned ${code}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, message: `HTTP probe failed: ${error.message}` }));
    req.end();
  });
}

function tcpProbe(
  tcp: NonNullable<Handler['tcpSocket']>,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const port = resolvePort(tcp.port, target.container);
  if (port === undefined)
    return Promise.resolve({ ok: false, message: `tcpSocket port "${tcp.port}" names no container port` });
  return new Promise((resolve) => {
    const socket = connect({ host: tcp.host || target.podIP, port, timeout: timeoutMs });
    const finish = (outcome: ProbeOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () => finish({ ok: true, message: 'connected' }));
    socket.once('timeout', () => finish({ ok: false, message: `TCP probe timed out after ${timeoutMs} ms` }));
    socket.once('error', (error) => finish({ ok: false, message: `TCP probe failed: ${error.message}` }));
  });
}

async function execProbe(command: string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    const result = await target.runtime.exec(target.containerId, command, timeoutMs);
    if (result.timedOut) return { ok: false, message: `command timed out after ${timeoutMs} ms` };
    return { ok: result.exitCode === 0, message: result.output.trim() || `exit code ${result.exitCode}` };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Runs a probe's or hook's handler once, bounded by timeoutMs. */
export async function runHandler(handler: Handler, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  if (handler.exec?.command?.length) return execProbe(handler.exec.command, target, timeoutMs);
  if (handler.httpGet) return httpProbe(handler.httpGet, target, timeoutMs);
  if (handler.tcpSocket) return tcpProbe(handler.tcpSocket, target, timeoutMs);
  if (handler.sleep) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(handler.sleep?.seconds ?? 0, timeoutMs / 1000) * 1000));
    return { ok: true, message: 'slept' };
  }
  return { ok: false, message: 'no handler Kedge runs (exec, httpGet, tcpSocket or sleep)' };
}

export function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  return runHandler(probe, target, (probe.timeoutSeconds ?? 1) * 1000);
}
