// One small HTTPS request helper for joining: bounded time and body size,
// and network failures (refused, timeout, DNS) surfaced as CLOUD_UNREACHABLE.
import { request } from 'node:https';
import { UnreachableError, networkErrorCode } from '../errors';

export interface HttpsRequest {
  method: 'GET' | 'POST';
  url: string;
  /** PEM CA to trust; when absent, `insecure` must be set. */
  caPem?: string;
  /** Skip server verification: only for fetching /ca.crt, which is then pinned. */
  insecure?: boolean;
  body?: unknown;
  /** Whole-request deadline; default 10000. */
  timeoutMs?: number;
  /** Largest response accepted; default 1 MiB. */
  maxBytes?: number;
}

export interface HttpsResponse {
  status: number;
  text: string;
}

export function httpsRequest(req: HttpsRequest): Promise<HttpsResponse> {
  const timeoutMs = req.timeoutMs ?? 10_000;
  const maxBytes = req.maxBytes ?? 1024 * 1024;
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  return new Promise((resolve, reject) => {
    const r = request(
      req.url,
      {
        method: req.method,
        rejectUnauthorized: !req.insecure,
        ...(req.caPem ? { ca: req.caPem } : {}),
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) r.destroy(new Error(`response from ${req.url} is larger than ${maxBytes} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', (err) => {
      const code = networkErrorCode(err);
      if (code) {
        reject(
          new UnreachableError(
            'CLOUD_UNREACHABLE',
            `cannot reach ${new URL(req.url).host} (${code === 'ABORT_ERR' ? `no answer in ${timeoutMs} ms` : code})`,
            {
              hint: 'check the --cloud address and port, that cloudcore runs, and that the firewall lets TCP through',
              cause: err,
            },
          ),
        );
      } else reject(err);
    });
    r.end(payload);
  });
}
