import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors';
import { resolveKubeconfigPath } from './kubeconfig';

const base = mkdtempSync(join(tmpdir(), 'kedge-kc-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function fixture(): { dir: string; a: string; b: string; home: string } {
  const dir = mkdtempSync(join(base, 't-'));
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(a, '');
  writeFileSync(b, '');
  const home = join(dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  writeFileSync(join(home, '.kube', 'config'), '');
  return { dir, a, b, home };
}

describe('resolveKubeconfigPath', () => {
  it('prefers --kubeconfig, then $KUBECONFIG, then ~/.kube/config', () => {
    const f = fixture();
    expect(resolveKubeconfigPath({ flag: f.a, env: f.b, home: f.home })).toBe(f.a);
    expect(resolveKubeconfigPath({ env: `${join(f.dir, 'missing')}${delimiter}${f.b}`, home: f.home })).toBe(f.b);
    expect(resolveKubeconfigPath({ env: '', home: f.home })).toBe(join(f.home, '.kube', 'config'));
  });

  it('fails with exit code 2 and a hint when nothing exists', () => {
    const f = fixture();
    const err = (() => {
      try {
        resolveKubeconfigPath({ env: join(f.dir, 'nope'), home: join(f.dir, 'nohome') });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toMatch(/no kubeconfig found.*nope/);
    expect((err as CliError).hint).toMatch(/--kubeconfig/);
  });

  it('does not fall back when --kubeconfig names a missing file', () => {
    const f = fixture();
    expect(() => resolveKubeconfigPath({ flag: join(f.dir, 'x'), env: f.a, home: f.home })).toThrow(
      /--kubeconfig .* does not exist/,
    );
  });
});
