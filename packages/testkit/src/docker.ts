import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TestkitError } from './errors';

const run = promisify(execFile);

/** Image every Docker-backed test uses; built locally since no registry is reachable. */
export const TEST_IMAGE = process.env.KEDGE_TEST_IMAGE ?? 'kedge.local/busybox:1';

const script = fileURLToPath(new URL('../../../tools/test-image.sh', import.meta.url));
let ready: Promise<string> | undefined;

/** ensureDockerTestImage: the engine does not answer, or tools/test-image.sh failed; the message says what to do. */
export class DockerTestSetupError extends TestkitError {
  readonly code = 'TESTKIT_DOCKER_SETUP';
}

/**
 * Makes sure the Docker engine answers and the test image exists (building it
 * with tools/test-image.sh when absent). Call it in beforeAll; it runs once per
 * process. Resolves to the engine version.
 */
export function ensureDockerTestImage(): Promise<string> {
  ready ??= (async () => {
    let version: string;
    try {
      version = (
        await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 20_000 })
      ).stdout.trim();
    } catch (error) {
      throw new DockerTestSetupError(
        'Docker engine is not reachable: start dockerd and make sure /var/run/docker.sock is writable by this user',
        {},
        { cause: error },
      );
    }
    try {
      await run('bash', [script], { timeout: 120_000, env: { ...process.env, KEDGE_TEST_IMAGE: TEST_IMAGE } });
    } catch (error) {
      throw new DockerTestSetupError(
        `could not build test image ${TEST_IMAGE} with ${script}: ${(error as Error).message}`,
        { image: TEST_IMAGE },
        { cause: error },
      );
    }
    return version;
  })();
  return ready;
}
