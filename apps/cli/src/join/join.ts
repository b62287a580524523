// `kedge join` core: pin the cloud's CA, trade the bootstrap token and a
// locally made CSR for a node certificate, then write the node's data dir in
// one atomic step.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join as joinPath, resolve } from 'node:path';
import { JOIN_PATH, caHashFromPem, parseJoinResponse } from '../bootstrap';
import { AuthError, CliError, ExitCode, describe } from '../errors';
import { isEmptyOrMissing, writeDirAtomic } from '../fs/atomic-dir';
import { createNodeCsr } from '../pki/csr';
import { EDGECORE_CONFIG_FILE, renderEdgecoreConfig, type EdgecoreConfigInput } from './edgecore-config';
import { httpsRequest } from './https';

export interface JoinOptions extends Omit<EdgecoreConfigInput, 'cloudUrl'> {
  /** Parsed --cloud. */
  cloud: { url: string; host: string; port: number };
  token: string;
  caHash: string;
  dataDir: string;
  /** Replace an existing data dir. Default false. */
  force?: boolean;
  /** Per-request deadline; default 10000. */
  timeoutMs?: number;
}

export interface JoinOutcome {
  dataDir: string;
  configPath: string;
  certificateNotAfter: string;
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
}

/** Refuses to overwrite an existing join (or any non-empty dir) unless forced. */
export async function checkDataDir(dataDir: string, force: boolean): Promise<void> {
  if (force || (await isEmptyOrMissing(dataDir))) return;
  const joined = existsSync(joinPath(dataDir, EDGECORE_CONFIG_FILE));
  throw new CliError(
    'ALREADY_JOINED',
    ExitCode.usage,
    joined ? `${dataDir} already holds a joined node` : `${dataDir} is not empty`,
    {
      hint: joined
        ? `run \`kedge reset --data-dir ${dataDir}\` first, or pass --force to replace it`
        : 'choose an empty --data-dir, or pass --force to replace it',
    },
  );
}

/** GET /ca.crt without trusting TLS, then accept it only if it matches the pin. */
export async function fetchPinnedCa(baseUrl: string, caHash: string, timeoutMs: number): Promise<string> {
  const res = await httpsRequest({ method: 'GET', url: `${baseUrl}/ca.crt`, insecure: true, timeoutMs });
  if (res.status !== 200 || !res.text.includes('BEGIN CERTIFICATE')) {
    throw new CliError(
      'JOIN_REFUSED',
      ExitCode.runtime,
      `${baseUrl}/ca.crt answered HTTP ${res.status} without a CA certificate`,
      {
        hint: 'check that --cloud points at cloudcore (port 10000 by default), not another service',
      },
    );
  }
  let actual: string;
  try {
    actual = caHashFromPem(res.text);
  } catch (err) {
    throw new CliError(
      'JOIN_REFUSED',
      ExitCode.runtime,
      `${baseUrl}/ca.crt is not a valid certificate: ${describe(err)}`,
      { cause: err },
    );
  }
  if (actual !== caHash) {
    throw new AuthError('CA_PIN_MISMATCH', `the cloud's CA hash is ${actual}, not the --ca-hash given`, {
      hint: 'copy --ca-hash from `kedge token create` again; if it matches, something is intercepting the connection',
    });
  }
  return res.text;
}

function joinFailure(status: number, body: ErrorBody): CliError {
  const reason = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  if (status === 401)
    return new AuthError('TOKEN_REJECTED', `the cloud rejected the token: ${reason}`, {
      hint: 'check --token; list valid tokens with `kedge token list`',
    });
  if (status === 403)
    return new AuthError('TOKEN_EXPIRED', `the token is expired or revoked: ${reason}`, {
      hint: 'create a new one with `kedge token create`',
    });
  if (status === 400)
    return new CliError('JOIN_REFUSED', ExitCode.usage, `the cloud refused the join request: ${reason}`, {
      hint: 'check --node-name and --labels',
    });
  return new CliError('JOIN_REFUSED', ExitCode.runtime, `join failed with HTTP ${status}: ${reason}`, {
    hint: 'see cloudcore logs',
  });
}

function verifyCertificate(certPem: string, caPem: string, keyPem: string, nodeName: string): X509Certificate {
  const cert = new X509Certificate(certPem);
  const ok = cert.verify(new X509Certificate(caPem).publicKey) && cert.checkPrivateKey(createPrivateKey(keyPem));
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  if (!ok || cn !== nodeName) {
    throw new CliError(
      'JOIN_REFUSED',
      ExitCode.runtime,
      `the certificate returned by the cloud does not match (subject ${cert.subject.replace(/\n/g, ', ')})`,
      {
        hint: "the cloud signed something else than this node's request; check cloudcore version and logs",
      },
    );
  }
  return cert;
}

export async function joinNode(opts: JoinOptions): Promise<JoinOutcome> {
  const dataDir = resolve(opts.dataDir);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  await checkDataDir(dataDir, opts.force ?? false);
  const baseUrl = `https://${opts.cloud.host.includes(':') ? `[${opts.cloud.host}]` : opts.cloud.host}:${opts.cloud.port}`;
  const caPem = await fetchPinnedCa(baseUrl, opts.caHash, timeoutMs);
  const { keyPem, csrPem } = await createNodeCsr(opts.nodeName);

  const res = await httpsRequest({
    method: 'POST',
    url: `${baseUrl}${JOIN_PATH}`,
    caPem,
    body: { token: opts.token, nodeName: opts.nodeName, csrPem, labels: opts.labels },
    timeoutMs,
  }).catch((err: unknown) => {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      throw new CliError(
        'JOIN_REFUSED',
        ExitCode.runtime,
        `cloudcore's certificate is not valid for ${opts.cloud.host}`,
        {
          hint: `start cloudcore with --advertise-address including ${opts.cloud.host}, or use an address it advertises`,
          cause: err,
        },
      );
    }
    throw err;
  });
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = { message: res.text.slice(0, 200) };
  }
  if (res.status !== 200) throw joinFailure(res.status, (body ?? {}) as ErrorBody);
  const parsed = parseJoinResponse(body);
  if (!parsed.ok) {
    throw new CliError('JOIN_REFUSED', ExitCode.runtime, `the join response is invalid: ${parsed.error.message}`, {
      hint: 'check that cloudcore and kedge versions match',
    });
  }
  const certificatePem = parsed.response.certificatePem;
  const cert = verifyCertificate(certificatePem, caPem, keyPem, opts.nodeName);

  // The URL the operator gave is the one proven reachable from this node.
  const config = renderEdgecoreConfig({ ...opts, cloudUrl: opts.cloud.url });
  await writeDirAtomic(
    dataDir,
    [
      { name: 'ca.crt', content: caPem },
      { name: 'node.key', content: keyPem, mode: 0o600 },
      { name: 'node.crt', content: certificatePem },
      { name: EDGECORE_CONFIG_FILE, content: config },
    ],
    { replace: opts.force ?? false },
  );
  return {
    dataDir,
    configPath: joinPath(dataDir, EDGECORE_CONFIG_FILE),
    certificateNotAfter: new Date(cert.validTo).toISOString(),
  };
}
