import { describe, expect, it } from 'vitest';
import type { Output } from './commands/output';
import { buildProgram } from './program';
import { report } from './report';

/** Runs the CLI in-process; returns the exit code and everything printed. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const output: Output = { data: (l) => (out += `${l}\n`), info: (l) => (err += `${l}\n`) };
  const program = buildProgram(output);
  const capture = { writeOut: (s: string) => (out += s), writeErr: (s: string) => (err += s) };
  program.configureOutput(capture);
  for (const c of program.commands) {
    c.configureOutput(capture);
    for (const sub of c.commands) sub.configureOutput(capture);
  }
  try {
    await program.parseAsync(['node', 'kedge', ...args]);
    return { code: 0, out, err };
  } catch (e) {
    const code = report(e, (l) => (err += `${l}\n`));
    return { code, out, err };
  }
}

/** A join whose flags are all valid; cases add the one that is not. */
const validJoin = [
  ...['join', '--cloud', 'wss://h:1', '--token', 'abcdef.0123456789abcdef'],
  ...['--ca-hash', 'sha256:' + 'a'.repeat(64), '--node-name', 'n'],
];

describe('kedge command line', () => {
  it('prints the version and help with exit 0', async () => {
    expect((await run('--version')).out).toMatch(/^\d+\.\d+\.\d+/);
    const help = await run('join', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--ca-hash <sha256>/);
  });

  it.each([
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['join', '--token', 'abcdef.0123456789abcdef'], /required option '--cloud <url>' not specified/],
    [
      ['join', '--cloud', 'wss://h:1', '--token', 'x', '--ca-hash', 'sha256:' + 'a'.repeat(64), '--node-name', 'n'],
      /--token.*form/,
    ],
    [
      [
        'join',
        '--cloud',
        'h:1',
        '--token',
        'abcdef.0123456789abcdef',
        '--ca-hash',
        'sha256:' + 'a'.repeat(64),
        '--node-name',
        'n',
      ],
      /wss/,
    ],
    [
      [
        'join',
        '--cloud',
        'wss://h:1',
        '--token',
        'abcdef.0123456789abcdef',
        '--ca-hash',
        'sha256:' + 'a'.repeat(64),
        '--node-name',
        'N_1',
      ],
      /DNS-1123/,
    ],
    [[...validJoin, '--runtime', 'podman'], /Allowed choices are docker, simulated/],
    [[...validJoin, '--pod-network', 'calico'], /Allowed choices are bridge, docker/],
    [['token', 'create', '--ttl', 'forever'], /not a duration/],
    [['token', 'list', '-o', 'yaml'], /Allowed choices are table, json/],
    [['token', 'revoke', 'TOOLONGID'], /6 characters/],
    [['up', '--nodes', '0'], /--nodes "0" must be a whole number from 1 to 20/],
    [['status', '--metrics-url', 'ftp://x'], /http:\/\//],
    [['status', '--group-label', 'Bad Label'], /label key/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('exits 2 for %j', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/hint:/);
  });

  it('reports a missing kubeconfig in one line with a hint (exit 2)', async () => {
    const r = await run('token', 'list', '--kubeconfig', '/nonexistent/kubeconfig');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error: --kubeconfig /nonexistent/kubeconfig does not exist\nhint: pass the path of an existing kubeconfig file (with `kedge up`, it is .kedge/kubeconfig)\n',
    );
  });
});
