// Named errors of @kedge/testkit. `code` is stable; docs/testkit.md lists them.

/** Base of every testkit error: a stable `code`, readonly context, and the `cause` when one exists. */
export abstract class TestkitError extends Error {
  abstract readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/** createEdgeNetwork: not root, or `ip`/`tc`/`iptables` missing; the message names the package to install. */
export class NetworkPrerequisiteError extends TestkitError {
  readonly code = 'TESTKIT_NET_PREREQUISITE';
}

/** createEdgeNetwork / shape / loss: an option is out of range (name, subnetIndex, rateKbit, percent). */
export class NetworkOptionsError extends TestkitError {
  readonly code = 'TESTKIT_NET_OPTIONS';
}

/** An `ip`, `tc` or `iptables` command run by an EdgeNetwork exited non-zero; context holds argv and stderr. */
export class NetworkCommandError extends TestkitError {
  readonly code = 'TESTKIT_NET_COMMAND';
}

/** startDelayRelay: bad options, or the relay could not listen. */
export class DelayRelayError extends TestkitError {
  readonly code = 'TESTKIT_DELAY_RELAY';
}

/** startTinyproxy: bad options, tinyproxy missing, or it exited / never listened; context holds the log tail. */
export class ProxyStartError extends TestkitError {
  readonly code = 'TESTKIT_PROXY_START';
}

/** startProcess: bad options, the process exited before it was ready, or readiness timed out. */
export class ProcessStartError extends TestkitError {
  readonly code = 'TESTKIT_PROCESS_START';
}

/** waitFor / waitForLine: the condition did not hold within timeoutMs; the message names the condition. */
export class WaitTimeoutError extends TestkitError {
  readonly code = 'TESTKIT_WAIT_TIMEOUT';
}

/** waitForLine / readiness: the process exited before the awaited line or condition; context holds code and signal. */
export class ProcessExitedError extends TestkitError {
  readonly code = 'TESTKIT_PROCESS_EXITED';
}
