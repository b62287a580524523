// Reads and decodes request bodies (JSON, or YAML for application/yaml).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, apiErrors } from '../errors';
import { decodeProtobuf, isProtobuf } from './protobuf';

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiError(413, 'BadRequest', `the request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

export function decodeBody(raw: Buffer, type: string): unknown {
  if (isProtobuf(type)) return raw.length ? decodeProtobuf(raw) : undefined;
  if (type.startsWith('application/vnd.kubernetes.') || type === 'application/cbor')
    throw apiErrors.unsupportedMediaType(type);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    if (type === 'application/yaml' || type.endsWith('+yaml')) return parseYaml(text);
    return JSON.parse(text);
  } catch (cause) {
    throw apiErrors.badRequest(
      `the request body is not valid ${type.includes('yaml') ? 'YAML' : 'JSON'}: ${(cause as Error).message}`,
    );
  }
}
