// Bootstrap-token, CA-pin and node-name checks from @kedge/protocol, turned
// into UsageErrors that name the flag (exit code 2).
import {
  formatToken,
  generateToken as generate,
  parseToken as parse,
  validateCaHash,
  validateNodeName,
} from '@kedge/protocol';
import { UsageError } from './errors';

export { JOIN_PATH, caHashFromPem, hashTokenSecret, parseJoinResponse } from '@kedge/protocol';

export interface BootstrapToken {
  id: string;
  secret: string;
  /** "<id>.<secret>", what the operator passes to `kedge join --token`. */
  token: string;
}

export function generateToken(): BootstrapToken {
  const t = generate();
  return { id: t.id, secret: t.secret, token: formatToken(t) };
}

/** Parses --token; throws UsageError unless it is [a-z0-9]{6}.[a-z0-9]{16}. */
export function parseToken(text: string): BootstrapToken {
  const result = parse(text);
  if (!result.ok) throw new UsageError(`--token: ${result.error.message}`);
  return { ...result.token, token: formatToken(result.token) };
}

/** Parses --ca-hash (sha256:<64 lowercase hex>). */
export function parseCaHash(text: string): string {
  const pin = text.trim().toLowerCase();
  const error = validateCaHash(pin);
  if (error)
    throw new UsageError(`--ca-hash "${text}" must be sha256:<64 hex digits>, as printed by \`kedge token create\``);
  return pin;
}

/** Parses --node-name: a DNS-1123 subdomain. */
export function parseNodeName(text: string): string {
  const error = validateNodeName(text);
  if (error) throw new UsageError(`--node-name: ${error.message}`);
  return text;
}
