import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { buildConfig, defaultConfig, loadConfig } from './index';

async function tempFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cloudcore-config-'));
  const path = join(dir, 'cloudcore.yaml');
  await writeFile(path, text);
  return path;
}

async function configError(argv: string[]): Promise<ConfigError> {
  const err = await loadConfig(argv).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('config', () => {
  it('uses defaults that work when nothing is given', async () => {
    const config = await loadConfig([]);
    expect(config).toEqual(defaultConfig());
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 10000 });
    expect(config.namespace).toBe('kedge-system');
  });

  it('reads the YAML file and lets flags win', async () => {
    const path = await tempFile(
      'listen: 127.0.0.1:11000\nnamespace: edge\nadvertiseAddress: [10.0.0.1, cloud.example.com]\nmaxInflightObjects: 64\n',
    );
    const config = await loadConfig([
      '--config',
      path,
      '--listen',
      '[::1]:12000',
      '--advertise-address',
      '1.2.3.4,x.example',
    ]);
    expect(config.listen).toEqual({ host: '::1', port: 12000 });
    expect(config.namespace).toBe('edge');
    expect(config.advertiseAddress).toEqual(['1.2.3.4', 'x.example']);
    expect(config.maxInflightObjects).toBe(64);
  });

  it('names the unknown field in the file', async () => {
    const path = await tempFile('listne: 0.0.0.0:1\n');
    const err = await configError(['--config', path]);
    expect(err.field).toBe('listne');
    expect(err.message).toMatch(/unknown field "listne".*valid fields: kubeconfig, listen/);
  });

  it('reports a missing file and invalid YAML', async () => {
    const missing = await configError(['--config', '/nonexistent/cloudcore.yaml']);
    expect(missing.code).toBe('CONFIG_FILE');
    expect(missing.message).toMatch(/cannot read config file \/nonexistent/);
    const bad = await configError(['--config', await tempFile('listen: [unclosed\n')]);
    expect(bad.message).toMatch(/not valid YAML/);
    const list = await configError(['--config', await tempFile('- a\n- b\n')]);
    expect(list.message).toMatch(/must be a YAML mapping/);
  });

  it('rejects bad values naming the field and the fix', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ listen: 'nohost' }, 'listen', /not host:port; write e.g. 0.0.0.0:10000/],
      [{ listen: '1.2.3.4:70000' }, 'listen', /port 70000; ports go up to 65535/],
      [{ healthListen: 5 }, 'healthListen', /must be a "host:port" string/],
      [{ namespace: 'Kedge_System' }, 'namespace', /not a valid namespace name/],
      [{ maxInflightObjects: 0 }, 'maxInflightObjects', /smallest allowed value is 1/],
      [{ maxInflightObjects: 1.5 }, 'maxInflightObjects', /whole number/],
      [{ handshakeQueueWaitMs: 50 }, 'handshakeQueueWaitMs', /is 50; the smallest allowed value is 100/],
      [{ logLevel: 'loud' }, 'logLevel', /use one of debug, info, warn, error/],
      [{ advertiseAddress: [] }, 'advertiseAddress', /non-empty list/],
      [{ advertiseAddress: ['bad name!'] }, 'advertiseAddress', /neither an IP address nor a DNS name/],
      [{ serverId: ' ' }, 'serverId', /must not be empty/],
      [{ leaseRenewIntervalMs: 50000 }, 'leaseRenewIntervalMs', /must be shorter than leaseDurationSeconds/],
    ];
    for (const [file, field, message] of cases) {
      const err = (() => {
        try {
          buildConfig(file, {}, 'test.yaml');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, JSON.stringify(file)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe(field);
      expect((err as ConfigError).message).toMatch(message);
    }
  });

  it('names the flag when a flag value is bad', async () => {
    const err = await configError(['--max-inflight-objects', 'many']);
    expect(err.message).toBe('flag --max-inflight-objects must be a whole number, got "many"');
  });

  it('rejects unknown flags and missing flag values', async () => {
    expect((await configError(['--listne', 'x'])).message).toMatch(/unknown option '--listne'.*cloudcore --help/);
    expect((await configError(['--listen'])).message).toMatch(/argument missing/);
  });
});
