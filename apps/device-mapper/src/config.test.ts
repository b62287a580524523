import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from './config';
import { MapperConfigError } from './errors';

const dir = mkdtempSync(join(tmpdir(), 'kedge-mapper-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('parseArgs', () => {
  it('takes flags over the YAML file over defaults', () => {
    const path = file('ok.yaml', 'broker: mqtt://10.0.0.1:1883\nnodeName: from-file\ndefaultCollectCycleMs: 500\n');
    expect(parseArgs(['--config', path, '--node-name', 'gantry-1'])).toEqual({
      broker: 'mqtt://10.0.0.1:1883',
      nodeName: 'gantry-1',
      operationTimeoutMs: 3000,
      defaultCollectCycleMs: 500,
      defaultReportCycleMs: 10000,
      logLevel: 'info',
    });
    expect(parseArgs(['--node-name', 'n1']).broker).toBe('mqtt://127.0.0.1:1883');
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [[], /--node-name is required/],
    [['--node-name', 'n', '--operation-timeout-ms', '0'], /positive whole number/],
    [['--node-name', 'n', '--log-level', 'loud'], /--log-level "loud" must be info or debug/],
    [['--config', '/nonexistent/x.yaml'], /cannot read the file/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(MapperConfigError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('names unknown and mistyped keys in the YAML file', () => {
    expect(() => parseArgs(['--config', file('unknown.yaml', 'node: x\n')])).toThrow(
      /unknown key\(s\) node; allowed: broker, nodeName/,
    );
    expect(() => parseArgs(['--config', file('typed.yaml', 'nodeName: n\noperationTimeoutMs: fast\n')])).toThrow(
      /config key operationTimeoutMs: expected a positive integer/,
    );
    expect(() => parseArgs(['--config', file('bad.yaml', 'a: [\n')])).toThrow(/not valid YAML/);
    expect(() => parseArgs(['--config', file('list.yaml', '- a\n')])).toThrow(/must be a YAML mapping/);
  });
});
