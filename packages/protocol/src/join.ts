/**
 * The join (TLS bootstrap) exchange shared by `kedge join` and cloudcore:
 * bootstrap tokens, the CA pin, node names and the JSON of the HTTP exchange.
 *
 * Token: `<id>.<secret>`, id [a-z0-9]{6}, secret [a-z0-9]{16} (the kubeadm
 * shape). The cloud stores only sha256(secret). CA pin: `sha256:<hex>` over
 * the DER SubjectPublicKeyInfo of the CA certificate, as kubeadm's
 * --discovery-token-ca-cert-hash.
 */
import { createHash, randomInt, timingSafeEqual, X509Certificate } from 'node:crypto';
import { ProtocolError } from './errors';

/** POST target on cloudcore's join listener: body JoinRequest, reply JoinResponse. */
export const JOIN_PATH = '/kedge/v1/join';
/** How long a new bootstrap token is valid unless told otherwise. Milliseconds; 24 h like kubeadm. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export interface BootstrapToken {
  /** Public part, [a-z0-9]{6}; names the token in lists and logs. */
  readonly id: string;
  /** Secret part, [a-z0-9]{16}; never logged, stored only as hashTokenSecret(secret). */
  readonly secret: string;
}

export type TokenResult = { ok: true; token: BootstrapToken } | { ok: false; error: ProtocolError };

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const randomChars = (count: number): string =>
  Array.from({ length: count }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** A fresh random token (about 82 bits of secret). */
export function generateToken(): BootstrapToken {
  return { id: randomChars(6), secret: randomChars(16) };
}

export function formatToken(token: BootstrapToken): string {
  return `${token.id}.${token.secret}`;
}

/** Parses `id.secret`. The error never repeats the input, which may hold a secret. */
export function parseToken(text: string): TokenResult {
  const match = TOKEN.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      error: new ProtocolError(
        'INVALID_TOKEN',
        `bootstrap token must have the form [a-z0-9]{6}.[a-z0-9]{16} (e.g. 07401b.f395accd246ae52d), got ${text.length} characters; create one with \`kedge token create\``,
        { field: 'token' },
      ),
    };
  }
  return { ok: true, token: { id: match[1] as string, secret: match[2] as string } };
}

/** sha256 of the secret, lowercase hex: what the cloud stores. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a presented secret against a stored hashTokenSecret value. */
export function tokenSecretMatches(secret: string, storedHashHex: string): boolean {
  const actual = Buffer.from(hashTokenSecret(secret), 'hex');
  const expected = Buffer.from(storedHashHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

const CA_HASH = /^sha256:([0-9a-f]{64})$/;

/** The CA pin of the first certificate in `pem`. Throws ProtocolError INVALID_CA_HASH when it holds no certificate. */
export function caHashFromPem(pem: string): string {
  let spki: Buffer;
  try {
    spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  } catch (err) {
    throw new ProtocolError(
      'INVALID_CA_HASH',
      'CA file is not a PEM certificate (-----BEGIN CERTIFICATE-----)',
      { field: 'caPem' },
      { cause: err },
    );
  }
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** Checks the pin format: `sha256:` and 64 lowercase hex digits. */
export function validateCaHash(pin: string): ProtocolError | undefined {
  if (CA_HASH.test(pin)) return undefined;
  return new ProtocolError(
    'INVALID_CA_HASH',
    `CA hash "${pin}" must be sha256:<64 hex digits>; print it with \`kedge token create --print-join-command\``,
    {
      field: 'caCertHash',
    },
  );
}

/** Verifies that the CA in `caPem` has the pinned hash; the error says what was expected and found. */
export function verifyCaHash(caPem: string, pin: string): ProtocolError | undefined {
  const invalid = validateCaHash(pin);
  if (invalid) return invalid;
  let actual: string;
  try {
    actual = caHashFromPem(caPem);
  } catch (err) {
    return err as ProtocolError;
  }
  if (actual === pin) return undefined;
  return new ProtocolError(
    'INVALID_CA_HASH',
    `cloud CA hash is ${actual}, expected ${pin}: wrong cloud URL or CA rotated`,
    { field: 'caCertHash' },
  );
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Node names are DNS-1123 subdomains, as for Kubernetes Nodes. */
export function validateNodeName(name: string): ProtocolError | undefined {
  if (name.length === 0)
    return new ProtocolError('INVALID_NODE_NAME', 'node name is empty; pass --node-name or set the hostname', {
      field: 'nodeName',
    });
  if (name.length > 253) {
    return new ProtocolError(
      'INVALID_NODE_NAME',
      `node name is ${name.length} characters; a DNS-1123 subdomain has at most 253`,
      {
        field: 'nodeName',
        limit: 253,
        actual: name.length,
      },
    );
  }
  if (DNS1123_SUBDOMAIN.test(name)) return undefined;
  return new ProtocolError(
    'INVALID_NODE_NAME',
    `node name "${name}" is not a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. gantry-17.section-3)`,
    { field: 'nodeName' },
  );
}

/** Body of POST JOIN_PATH. */
export interface JoinRequest {
  /** The whole bootstrap token, `id.secret`. */
  readonly token: string;
  readonly nodeName: string;
  /** PKCS#10 CSR in PEM; its subject CN must equal nodeName. */
  readonly csrPem: string;
  /** Labels to put on the Node object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Reply of POST JOIN_PATH. */
export interface JoinResponse {
  /** The node's client certificate, signed by the cloud CA. */
  readonly certificatePem: string;
  readonly caPem: string;
  /** wss:// URL of the edge channel. */
  readonly cloudUrl: string;
}

export type JoinRequestResult = { ok: true; request: JoinRequest } | { ok: false; error: ProtocolError };
export type JoinResponseResult = { ok: true; response: JoinResponse } | { ok: false; error: ProtocolError };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringField(body: Record<string, unknown>, field: string, where: string): string | ProtocolError {
  const value = body[field];
  if (typeof value === 'string' && value !== '') return value;
  return new ProtocolError('MISSING_FIELD', `${where}.${field} must be a non-empty string`, {
    field: `${where}.${field}`,
  });
}

/** Validates parsed JSON as a JoinRequest: token form, node name, CSR presence, string labels. */
export function parseJoinRequest(json: unknown): JoinRequestResult {
  const fail = (error: ProtocolError): JoinRequestResult => ({ ok: false, error });
  if (!isRecord(json))
    return fail(new ProtocolError('MALFORMED', 'join request must be a JSON object', { field: 'joinRequest' }));
  const token = stringField(json, 'token', 'joinRequest');
  if (token instanceof ProtocolError) return fail(token);
  const parsed = parseToken(token);
  if (!parsed.ok) return fail(parsed.error);
  const nodeName = stringField(json, 'nodeName', 'joinRequest');
  if (nodeName instanceof ProtocolError) return fail(nodeName);
  const badName = validateNodeName(nodeName);
  if (badName) return fail(badName);
  const csrPem = stringField(json, 'csrPem', 'joinRequest');
  if (csrPem instanceof ProtocolError) return fail(csrPem);
  if (!csrPem.includes('-----BEGIN CERTIFICATE REQUEST-----')) {
    return fail(
      new ProtocolError(
        'MALFORMED',
        'joinRequest.csrPem must be a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)',
        { field: 'joinRequest.csrPem' },
      ),
    );
  }
  const labels = json.labels;
  if (labels !== undefined && (!isRecord(labels) || !Object.values(labels).every((v) => typeof v === 'string'))) {
    return fail(
      new ProtocolError('MALFORMED', 'joinRequest.labels must be an object of string values', {
        field: 'joinRequest.labels',
      }),
    );
  }
  const request: JoinRequest = {
    token,
    nodeName,
    csrPem,
    ...(labels ? { labels: labels as Record<string, string> } : {}),
  };
  return { ok: true, request };
}

/** Validates parsed JSON as a JoinResponse. */
export function parseJoinResponse(json: unknown): JoinResponseResult {
  const fail = (error: ProtocolError): JoinResponseResult => ({ ok: false, error });
  if (!isRecord(json))
    return fail(new ProtocolError('MALFORMED', 'join response must be a JSON object', { field: 'joinResponse' }));
  const fields = ['certificatePem', 'caPem', 'cloudUrl'].map((f) => stringField(json, f, 'joinResponse'));
  const error = fields.find((f): f is ProtocolError => f instanceof ProtocolError);
  if (error) return fail(error);
  const [certificatePem, caPem, cloudUrl] = fields as string[];
  if (!/^wss?:\/\//.test(cloudUrl ?? '')) {
    return fail(
      new ProtocolError('MALFORMED', `joinResponse.cloudUrl "${cloudUrl}" must be a ws:// or wss:// URL`, {
        field: 'joinResponse.cloudUrl',
      }),
    );
  }
  return { ok: true, response: { certificatePem: certificatePem ?? '', caPem: caPem ?? '', cloudUrl: cloudUrl ?? '' } };
}
