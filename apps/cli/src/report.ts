// Turns a failure into one `error:` line, a `hint:` line and an exit code.
import { CommanderError } from 'commander';
import { CliError, ExitCode } from './errors';

/** Prints `err` (unless commander already did) and returns the exit code. */
export function report(err: unknown, write: (line: string) => void): number {
  if (err instanceof CommanderError) {
    // commander printed its message (and our hint); help and --version are not errors.
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
      ? ExitCode.ok
      : ExitCode.usage;
  }
  if (err instanceof CliError) {
    write(`error: ${err.message}`);
    if (err.hint) write(`hint: ${err.hint}`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  write(`error: ${e.message}`);
  write(
    process.env.KEDGE_DEBUG
      ? (e.stack ?? '')
      : 'hint: this is unexpected; rerun with KEDGE_DEBUG=1 for a stack trace and report it',
  );
  return ExitCode.runtime;
}
