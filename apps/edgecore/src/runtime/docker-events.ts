import type Dockerode from 'dockerode';
import { LABEL } from './labels';
import type { RuntimeEvent, RuntimeEventKind } from './types';

const watched: readonly RuntimeEventKind[] = ['start', 'die', 'oom', 'destroy'];

interface DockerEvent {
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Parses one line of Docker's event stream; undefined for events Kedge ignores. */
export function parseDockerEvent(line: string): RuntimeEvent | undefined {
  let raw: DockerEvent;
  try {
    raw = JSON.parse(line) as DockerEvent;
  } catch {
    return undefined;
  }
  const kind = (raw.Action ?? raw.status) as RuntimeEventKind;
  if (!watched.includes(kind)) return undefined;
  const containerId = raw.Actor?.ID ?? raw.id;
  const podUid = raw.Actor?.Attributes?.[LABEL.podUid];
  return { kind, ...(containerId ? { containerId } : {}), ...(podUid ? { podUid } : {}) };
}

/**
 * Follows Docker's container events for one node until the returned function
 * is called. Each (re)opened stream is announced with a `resync` event, since
 * events may have been lost meanwhile; a broken one is reopened after retryMs.
 */
export function watchDockerEvents(
  docker: () => Promise<Dockerode>,
  nodeName: string,
  retryMs: number,
  listener: (event: RuntimeEvent) => void,
): () => void {
  let closed = false;
  let stream: NodeJS.ReadableStream | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reopen = (): void => {
    stream = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, retryMs);
    retry.unref();
  };

  const open = async (): Promise<void> => {
    try {
      const client = await docker();
      const s = await client.getEvents({
        filters: { type: ['container'], label: [`${LABEL.nodeName}=${nodeName}`], event: [...watched] },
      });
      if (closed) {
        (s as unknown as { destroy(): void }).destroy();
        return;
      }
      stream = s;
      // Events may have passed while no stream was open (first open included).
      listener({ kind: 'resync' });
      let pending = '';
      s.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = line.trim() ? parseDockerEvent(line) : undefined;
          if (event) listener(event);
        }
      });
      s.on('end', reopen);
      s.on('error', reopen);
    } catch {
      reopen();
    }
  };

  void open();
  return () => {
    closed = true;
    if (retry) clearTimeout(retry);
    (stream as unknown as { destroy?(): void } | undefined)?.destroy?.();
  };
}
