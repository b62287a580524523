import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import {
  checkLabelKey,
  parseCloudUrl,
  parseDurationMs,
  parseHostPort,
  parseHttpUrl,
  parseIntInRange,
  parseLabels,
  parsePort,
  parseTtlMs,
} from './parse';

describe('parseDurationMs', () => {
  it.each([
    ['90s', 90_000],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
  ])('%s = %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', '5', '5x', 'h', '-1h', '1h 30m', '1hh', '0s'])('rejects %j', (text) => {
    expect(() => parseDurationMs(text)).toThrow(UsageError);
  });

  it('names the accepted units in the error', () => {
    expect(() => parseDurationMs('5x')).toThrow(/ms, s, m, h, d/);
  });

  it('sums any sequence of parts', () => {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('d', 'h', 'm', 's')), {
          minLength: 1,
          maxLength: 4,
        }),
        (parts) => {
          const text = parts.map(([n, u]) => `${n}${u}`).join('');
          expect(parseDurationMs(text)).toBe(parts.reduce((sum, [n, u]) => sum + n * unit[u], 0));
        },
      ),
    );
  });
});

describe('parseTtlMs', () => {
  it('accepts 1m to 365d', () => {
    expect(parseTtlMs('1m')).toBe(60_000);
    expect(parseTtlMs('365d')).toBe(365 * 86_400_000);
  });
  it('rejects too short and too long', () => {
    expect(() => parseTtlMs('30s')).toThrow(/shorter than 1m/);
    expect(() => parseTtlMs('366d')).toThrow(/longer than 365d/);
  });
});

describe('parseLabels', () => {
  it('parses k=v pairs with prefixes and empty values', () => {
    expect(parseLabels('kedge.io/group=section-3,tier=gantry,empty=')).toEqual({
      'kedge.io/group': 'section-3',
      tier: 'gantry',
      empty: '',
    });
  });
  it('accepts an empty list', () => expect(parseLabels('')).toEqual({}));
  it.each([
    ['novalue', /not key=value/],
    ['=v', /not key=value/],
    ['a=b,a=c', /given twice/],
    ['Bad_Prefix.io/x=1', /prefix/],
    ['k=has space', /value/],
    [`k=${'v'.repeat(64)}`, /value/],
    [`${'k'.repeat(64)}=v`, /name must be/],
  ])('rejects %j', (text, message) => expect(() => parseLabels(text)).toThrow(message));
  it('checks label keys alone', () => {
    expect(() => checkLabelKey('kedge.io/group')).not.toThrow();
    expect(() => checkLabelKey('-bad')).toThrow(UsageError);
  });
});

describe('parseCloudUrl', () => {
  it('normalises wss://host:port', () => {
    expect(parseCloudUrl('wss://cloud.example.com:10000')).toEqual({
      url: 'wss://cloud.example.com:10000',
      host: 'cloud.example.com',
      port: 10000,
    });
    expect(parseCloudUrl('wss://[::1]:10000/')).toEqual({ url: 'wss://[::1]:10000', host: '::1', port: 10000 });
  });
  it.each([
    ['cloud:10000', /wss/],
    ['https://cloud:10000', /must use wss/],
    ['ws://cloud:10000', /must use wss/],
    ['wss://cloud', /no port/],
    ['wss://cloud:10000/v1/connect', /without path/],
    ['wss://u:p@cloud:10000', /credentials/],
    ['not a url', /not a URL/],
  ])('rejects %j', (text, message) => expect(() => parseCloudUrl(text)).toThrow(message));
});

describe('numbers and addresses', () => {
  it('parses ports', () => {
    expect(parsePort('10000')).toBe(10000);
    for (const bad of ['0', '65536', '-1', '1e3', 'x', '']) expect(() => parsePort(bad)).toThrow(/1 to 65535/);
  });
  it('parses ranged integers', () => {
    expect(parseIntInRange('3', 1, 20, '--nodes')).toBe(3);
    expect(() => parseIntInRange('21', 1, 20, '--nodes')).toThrow(/--nodes "21" must be a whole number from 1 to 20/);
  });
  it('parses host:port', () => {
    expect(parseHostPort('127.0.0.1:10350', '--health-listen')).toBe('127.0.0.1:10350');
    expect(parseHostPort('[::1]:1', '--health-listen')).toBe('[::1]:1');
    expect(() => parseHostPort('127.0.0.1', '--health-listen')).toThrow(/HOST:PORT/);
    expect(() => parseHostPort('h:99999', '--health-listen')).toThrow(/65535/);
  });
  it('parses http urls', () => {
    expect(parseHttpUrl('http://127.0.0.1:10351/metrics', '--metrics-url')).toBe('http://127.0.0.1:10351/metrics');
    expect(() => parseHttpUrl('ftp://x', '--metrics-url')).toThrow(/http:\/\//);
    expect(() => parseHttpUrl('nope', '--metrics-url')).toThrow(/not a URL/);
  });
});
