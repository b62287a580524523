import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEVICE_CRDS } from './crds';

const DIR = join(import.meta.dirname, '../../../../deploy/crds/devices');

describe('DEVICE_CRDS', () => {
  it('holds exactly the CRDs of deploy/crds/devices', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).sort();
    expect(Object.keys(DEVICE_CRDS).sort()).toEqual(files);
    for (const file of files) {
      expect(DEVICE_CRDS[file], `${file} differs from crds.ts`).toEqual(parse(await readFile(join(DIR, file), 'utf8')));
    }
  });

  it('covers Device, DeviceModel and DeviceStatus of devices.kubeedge.io/v1beta1', () => {
    const kinds = Object.values(DEVICE_CRDS).map((crd) => [
      crd.spec.group,
      crd.spec.names.kind,
      crd.spec.versions[0]?.name,
    ]);
    expect(kinds.sort()).toEqual([
      ['devices.kubeedge.io', 'Device', 'v1beta1'],
      ['devices.kubeedge.io', 'DeviceModel', 'v1beta1'],
      ['devices.kubeedge.io', 'DeviceStatus', 'v1beta1'],
    ]);
  });
});
